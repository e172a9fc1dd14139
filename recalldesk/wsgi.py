"""WSGI entry point for gunicorn: Django, with GET /api/lookup answered in front of it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recalldesk.settings")
django_application = get_wsgi_application()

# After Django is set up: the fast path reads settings and the lookup index's models.
from recalldesk.identify.fastpath import LookupFastPath  # noqa: E402

application = LookupFastPath(django_application)
