"""Set-up of bench/claims.py, run in the bench's environment: migrate, recall 26-090, programs.

Two programs like Belkin's demo for 26-090 (store credit +20%, USD and CAD, MMA008 serials
57X of 14 characters): one asking for no files, one for two photos. And the floor's table.
"""

import csv
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import django

NO_FILES, WITH_PHOTOS = "bench-no-files", "bench-two-photos"
PRODUCTS = (("MMA008", "57X", 14), ("BPB002", "35S", 14), ("PB0003", "", None))


def recall_import(csv_path: Path) -> None:
    from recalldesk.registry.services import recalls_import_file

    with csv_path.open(encoding="utf-8-sig", newline="") as source:
        reader = csv.DictReader(source)
        rows = [row for row in reader if row["Recall Number"] == "26-090"]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "cpsc-26-090.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as target:
            writer = csv.DictWriter(target, fieldnames=reader.fieldnames or [])
            writer.writeheader()
            writer.writerows(rows)
        recalls_import_file(path=path, source_format="cpsc-csv")


def programs_create() -> None:
    from django.utils import timezone

    from recalldesk.accounts.models import FirmAccount
    from recalldesk.claims.models import AveragePrice, Program, ProgramProduct
    from recalldesk.registry.models import FirmRole, Recall

    recall = Recall.objects.get(number="26-090")
    link = recall.firm_links.filter(role=FirmRole.MANUFACTURER).first()
    firm = FirmAccount.objects.create(
        name="Belkin International Inc. (demo)", slug="belkin-demo", registry_firm=link.firm
    )
    for slug, photos in ((NO_FILES, []), (WITH_PHOTOS, ["Front", "Back, showing the serial"])):
        program = Program.objects.create(
            firm_account=firm,
            recall=recall,
            name=slug,
            slug=slug,
            is_demo=True,
            opens_at=timezone.now(),
            required_photos=photos,
            store_credit_bonus_rate=Decimal("0.20"),
            currencies={"US": "USD", "CA": "CAD"},
        )
        for model, prefix, length in PRODUCTS:
            product = ProgramProduct.objects.create(
                program=program,
                name="Charging stand or power bank",
                model_number=model,
                model_normalized=model,
                serial_rule_kind="prefix" if prefix else "all",
                serial_prefix=prefix,
                serial_length=length,
            )
            for currency, amount in (("USD", "149.99"), ("CAD", "199.99")):
                AveragePrice.objects.create(
                    product=product, currency=currency, amount=Decimal(amount), is_demo_value=True
                )


def main(csv_path: str) -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    recall_import(Path(csv_path))
    programs_create()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor (id bigserial PRIMARY KEY, serial text NOT NULL, "
            "created_at timestamptz NOT NULL DEFAULT now())"
        )


if __name__ == "__main__":
    main(sys.argv[1])
