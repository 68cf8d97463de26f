"""portal.counters: a rate limit's counter per window, in the shared cache,
seen alike by every process and dropped when its window has passed."""

import multiprocessing
import os
import time

import pytest
from django.core.cache import cache

from portal.counters import count_hit

ON_REDIS = bool(os.environ.get("REDIS_URL"))


@pytest.fixture
def shared_cache(settings, tmp_path):
    """The cache web processes share: Redis when REDIS_URL is set, else the
    embedded default's file cache."""
    if ON_REDIS:
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    else:
        backend = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": tmp_path / "cache"}
    settings.CACHES = {**settings.CACHES, "default": backend}
    cache.delete("wenzheng-test:shared")
    yield
    cache.delete("wenzheng-test:shared")


def _count_in_a_process(hits: int, results) -> None:
    results.put([count_hit("wenzheng-test:shared", 60) for _ in range(hits)])


def _run_processes(number: int, hits: int, *, one_after_another: bool) -> list[list[int]]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=_count_in_a_process, args=(hits, results)) for _ in range(number)]
    for process in processes:
        process.start()
        if one_after_another:
            process.join()
    counted = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join()
        assert process.exitcode == 0
    return counted


def test_counts_and_expires():
    assert [count_hit("wenzheng-test:local", 1) for _ in range(3)] == [1, 2, 3]
    time.sleep(1.1)
    assert count_hit("wenzheng-test:local", 1) == 1  # a new window


def test_a_count_made_in_one_process_is_seen_by_the_next(shared_cache):
    counted = _run_processes(2, 3, one_after_another=True)
    assert counted == [[1, 2, 3], [4, 5, 6]]
    assert count_hit("wenzheng-test:shared", 60) == 7


@pytest.mark.skipif(not ON_REDIS, reason="concurrent processes count exactly on Redis (set REDIS_URL)")
def test_processes_counting_at_once_lose_no_hit(shared_cache):
    counted = _run_processes(4, 25, one_after_another=False)
    assert sorted(count for counts in counted for count in counts) == list(range(1, 101))
