"""Public registration is rate-limited per visitor (pages and API)."""

from datetime import timedelta

import pytest

from coopnet.db import utcnow
from tests.factories import make_event


@pytest.fixture
def app_config():
    # a small limit, so that a slow machine cannot spread the attempts over the window
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
            "COOPNET_REGISTER_RATE_LIMIT": "3 per minute"}


def test_registrations_beyond_the_limit_are_refused_per_visitor(app, client):
    with app.app_context():
        event_id = make_event(starts_at=utcnow() + timedelta(days=3)).id
    visitor = {"REMOTE_ADDR": "192.0.2.77"}
    statuses = [client.post(f"/api/v1/events/{event_id}/registrations", environ_base=visitor,
                            json={"name": "R", "email": f"r{n}@example.test", "consent": True}
                            ).status_code for n in range(4)]
    assert statuses == [201, 201, 201, 429], statuses
    other = client.post(f"/api/v1/events/{event_id}/registrations",
                        environ_base={"REMOTE_ADDR": "192.0.2.78"},
                        json={"name": "S", "email": "s@example.test", "consent": True})
    assert other.status_code == 201
