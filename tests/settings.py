"""The test suite's settings: the portal's own. Runs on PostgreSQL set
DATABASE_URL with DEBUG off, where the portal refuses to start without
SECRET_KEY; this gives one to the suite and the processes it starts."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")

from portal.settings import *  # noqa: E402, F403
