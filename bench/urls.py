"""The ceiling views of the HTTP benchmark, beside the portal's own URLs:
what this machine and this stack can do at best, measured in the same run.

- /bench/json   a bare view returning a small JSON body
- /bench/insert a view that inserts one row (POST)
- /bench/list   the 50 newest rows of a 1,000,000-row table by an indexed key
"""

import random

from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

TABLE = "bench_ceiling_row"
OWNERS = 2000


def bare_json(request):
    return JsonResponse({"ok": True, "service": "wenzheng"})


@csrf_exempt
def insert_one(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (owner_id, created_at, body) VALUES (%s, now(), %s) RETURNING id",
                       [random.randrange(OWNERS), "一行基准数据"])
        row_id = cursor.fetchone()[0]
    return JsonResponse({"id": row_id}, status=201)


def list_newest(request):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, owner_id, created_at, body FROM {TABLE} WHERE owner_id = %s "
                       "ORDER BY created_at DESC, id DESC LIMIT 50", [random.randrange(OWNERS)])
        rows = [{"id": i, "owner": o, "created": c.isoformat(), "body": b} for i, o, c, b in cursor.fetchall()]
    return JsonResponse({"results": rows})


urlpatterns = [
    path("bench/json", bare_json),
    path("bench/insert", insert_one),
    path("bench/list", list_newest),
    path("", include("portal.urls")),
]
