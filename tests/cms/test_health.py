import pytest
from django.urls import reverse

from cms.services import worker_heartbeat_record

pytestmark = pytest.mark.django_db


def test_health_reports_the_database_and_no_worker_yet(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "worker_last_seen": None}


def test_health_reports_when_a_worker_last_beat(client):
    heartbeat = worker_heartbeat_record(source="worker-1")

    response = client.get(reverse("health"))

    assert response.json()["worker_last_seen"] == heartbeat.last_seen.isoformat()


def test_each_heartbeat_is_counted_on_one_row():
    worker_heartbeat_record(source="worker-1")
    assert worker_heartbeat_record(source="worker-1").beats == 2
