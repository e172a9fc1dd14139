"""Evidence: similar pictures found through indexed quarters of the perceptual hash.

hash_band_0 to hash_band_3 are generated columns: the database computes them from
perceptual_hash, for the rows already there when they are added (so old photos are still found)
and for every row written later, whoever writes it. sha256 and stored_name keep a plain index
for their equality lookups (stored_name as a unique constraint) without the second, LIKE index
Django gives a db_index CharField; perceptual_hash loses its indexes, which no query used.
"""

import django.db.models.functions.text
from django.db import migrations, models


def _hash_band(band):
    return models.GeneratedField(
        db_persist=True,
        expression=django.db.models.functions.text.Substr(
            django.db.models.functions.text.Lower("perceptual_hash"), 4 * band + 1, 4
        ),
        output_field=models.CharField(max_length=4),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0003_submission_indexes"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="evidence", name=f"hash_band_{band}", field=_hash_band(band)
            )
            for band in range(4)
        ),
        migrations.AlterField(
            model_name="evidence",
            name="perceptual_hash",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="stored_name",
            field=models.CharField(max_length=100),
        ),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.UniqueConstraint(
                fields=("stored_name",), name="evidence_stored_name_unique"
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="sha256",
            field=models.CharField(max_length=64),
        ),
        migrations.AddIndex(
            model_name="evidence",
            index=models.Index(fields=["sha256"], name="evidence_sha256"),
        ),
        *(
            migrations.AddIndex(
                model_name="evidence",
                index=models.Index(fields=[f"hash_band_{band}"], name=f"evidence_hash_band_{band}"),
            )
            for band in range(4)
        ),
    ]
