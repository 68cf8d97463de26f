"""WSGI entry point for gunicorn and runserver."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

from portal.overload import limit_statements_in_web_processes  # noqa: E402 (after Django is set up)

limit_statements_in_web_processes()
