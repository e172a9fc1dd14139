"""Print the ledger's reconciliation per program and currency; exit 1 on any difference."""

from django.core.management.base import BaseCommand, CommandError

from recalldesk.claims.models import Program
from recalldesk.ledger.reconcile import ledger_reconcile

COLUMNS = (
    ("program", 28),
    ("cur", 4),
    ("approved", 12),
    ("paid", 12),
    ("credited", 12),
    ("outstanding", 12),
    ("difference", 11),
    ("vs batches", 11),
    ("vs codes", 10),
)


class Command(BaseCommand):
    help = (
        "Check that, per program and currency, approvals equal paid + credited + outstanding, "
        "and that paid refunds match confirmed payout batches. Exits 1 on any difference."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--program", metavar="SLUG", help="Only this program.")

    def handle(self, *args, program: str | None = None, **options) -> None:
        chosen = None
        if program:
            chosen = Program.objects.filter(slug=program).first()
            if chosen is None:
                raise CommandError(f"No program with the slug {program!r}; see the programs page.")
        lines = ledger_reconcile(program=chosen)
        self.stdout.write(" ".join(name.rjust(width) for name, width in COLUMNS).rstrip())
        for line in lines:
            values = (
                line.program_slug[:28],
                line.currency,
                line.approved,
                line.paid,
                line.credited,
                line.outstanding,
                line.difference,
                line.batch_difference,
                line.credit_difference,
            )
            text = " ".join(
                str(v).rjust(width) for v, (_, width) in zip(values, COLUMNS, strict=True)
            )
            self.stdout.write(text)
            for note in line.notes:
                self.stdout.write(f"    {note}")
        unbalanced = [line for line in lines if not line.balanced]
        if not lines:
            self.stdout.write("No ledger entries yet: nothing to reconcile.")
        if unbalanced:
            names = ", ".join(f"{line.program_slug} {line.currency}" for line in unbalanced)
            raise CommandError(f"The ledger does not balance for: {names}.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"{len(lines)} lines, 0 differences."))
