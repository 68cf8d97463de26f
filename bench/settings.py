"""Settings for the HTTP benchmark (bench/web.py): the portal's own, plus
the ceiling views in bench/urls.py."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
