"""The product's URLs plus the floor of bench/claims.py, which the product never serves.

The floor is the least a claim endpoint can do through the same stack (gunicorn, Django's
middleware, multipart parsing, PostgreSQL): read the posted form and insert one row.
"""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from recalldesk.urls import urlpatterns as product_urlpatterns

FLOOR_TABLE = "bench_floor"


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} (serial) VALUES (%s) RETURNING id",  # noqa: S608
            [request.POST.get("serial_number", "")],
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)


urlpatterns = [path("bench/floor", floor), *product_urlpatterns]
