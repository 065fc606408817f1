from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """Liveness + database check for load balancers and docker-compose health checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503)
