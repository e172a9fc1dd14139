"""python manage.py extract_identifiers: read model numbers, UPCs and serial rules again."""

import time

from django.core.management.base import BaseCommand, CommandError

from recalldesk.identify.services import identifiers_extract_all
from recalldesk.registry.management.commands.import_recalls import progress_bar
from recalldesk.registry.models import Recall
from recalldesk.registry.sources.parsing import normalize_recall_number


class Command(BaseCommand):
    help = (
        "Extract identifiers and serial rules from every recall's text again (or only the recalls "
        "named). Rows staff added, corrected or suppressed are kept as they are."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--recall",
            action="append",
            default=[],
            metavar="NUMBER",
            help="A recall number such as 26-090; repeat for several. All recalls when omitted.",
        )

    def handle(self, *args, **options) -> None:
        recall_ids = None
        if options["recall"]:
            numbers = {normalize_recall_number(n) for n in options["recall"]}
            found = dict(
                Recall.objects.filter(number_normalized__in=numbers).values_list(
                    "number_normalized", "pk"
                )
            )
            missing = sorted(numbers - set(found))
            if missing:
                raise CommandError(
                    f"No recall with number {', '.join(missing)} is in the registry."
                )
            recall_ids = list(found.values())
        started = time.monotonic()
        summary = identifiers_extract_all(
            recall_ids=recall_ids,
            progress=progress_bar(description="extracting", stream=self.stderr._out),
        )
        self.stdout.write(f"Recalls read: {summary.recalls} in {time.monotonic() - started:.1f} s")
        for title, counts in (
            ("Identifiers", summary.identifiers),
            ("Serial rules", summary.serial_rules),
        ):
            total = sum(counts.values())
            parts = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
            self.stdout.write(f"{title} from text: {total}" + (f" ({parts})" if parts else ""))
        self.stdout.write(f"Left as staff set them: {summary.kept_for_staff}")
        if summary.failed:
            self.stderr.write(f"Failed (see the log): {', '.join(summary.failed)}")
