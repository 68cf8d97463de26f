from tests.faults.support import private_redis, start_worker  # noqa: F401 - fixtures for this folder
