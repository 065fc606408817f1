"""The services the portal leans on in production: PostgreSQL features and Redis."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_health_check_answers_anonymously(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_trigram_indexes_exist_on_postgresql(postgres_only):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'projects_project' AND indexname LIKE '%trgm'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"project_name_trgm", "project_code_trgm", "project_construction_unit_trgm"}


def test_postgresql_driver_is_psycopg2(postgres_only):
    # psycopg 3 installed beside psycopg2 would silently take over.
    assert connection.Database.__name__ == "psycopg2"


def test_redis_cache_round_trip(redis_url):
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(redis_url, {})
    cache.set("xmgj-ci-probe", "在线", 30)
    assert cache.get("xmgj-ci-probe") == "在线"
    cache.delete("xmgj-ci-probe")


def test_celery_broker_delivers_a_message(redis_url):
    """The broker Celery is configured with really stores and hands back a message."""
    from config.celery import app

    with app.connection_for_write(redis_url) as conn:
        queue = conn.SimpleQueue("xmgj-ci-probe")
        try:
            queue.clear()
            queue.put({"probe": "项目调度"})
            message = queue.get(timeout=5)
            message.ack()
            assert message.payload == {"probe": "项目调度"}
        finally:
            queue.close()
