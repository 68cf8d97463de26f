"""WSGI application of the HTTP benchmark (the portal plus ceiling views),
set up as portal/wsgi.py sets up the portal's."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()

from portal.overload import limit_statements_in_web_processes  # noqa: E402 (after Django is set up)

# As in production: DB_STATEMENT_TIMEOUT_MS applies to the web processes.
limit_statements_in_web_processes()
