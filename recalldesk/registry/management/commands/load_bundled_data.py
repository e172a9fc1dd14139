"""python manage.py load_bundled_data: import the recalls shipped in data/, once."""

from django.core.management.base import BaseCommand, CommandError

from recalldesk.registry.management.commands.import_recalls import progress_bar, summary_lines
from recalldesk.registry.services import recalls_load_bundled
from recalldesk.registry.sources.records import UnreadableFile


class Command(BaseCommand):
    help = "Import the bundled CPSC recalls; files imported before are skipped without parsing."

    def handle(self, *args, **options) -> None:
        try:
            results = recalls_load_bundled(
                progress_for=lambda path: progress_bar(
                    description=path.name, stream=self.stderr._out
                )
            )
        except UnreadableFile as error:
            raise CommandError(f"The bundled data cannot be read: {error}") from None
        for result in results:
            if result.skipped:
                self.stdout.write(f"{result.path.name}: already imported, skipped")
            else:
                self.stdout.write(summary_lines(result.run, seconds=result.seconds)[0])
