# The lookup index's 5-second check reads the latest updated_at of identifiers and serial rules.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("identify", "0002_extraction_memory"),
    ]

    operations = [
        migrations.AddField(
            model_name="identifier",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="serialrule",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
