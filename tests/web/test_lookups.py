"""Lookups that find nothing answer 404: a page on the web, the API's JSON shape under /api/."""

import pytest
from werkzeug.exceptions import NotFound as HTTPNotFound

from coopnet.errors import NotFound
from coopnet.web.lookups import found_or_404, found_or_not_found


def test_a_found_value_is_returned_and_nothing_found_is_a_404():
    assert found_or_404(0) == 0  # a falsy value is still found
    with pytest.raises(HTTPNotFound):
        found_or_404(None)


def test_the_api_variant_names_what_is_missing(app):
    with app.test_request_context(), pytest.raises(NotFound) as caught:
        found_or_not_found(None, "This event does not exist (any more).")
    assert caught.value.to_dict() == {"error": {
        "code": "not_found", "message": "This event does not exist (any more)."}}


@pytest.mark.parametrize("path", [
    "/staff/events/999999/registrations", "/staff/events/999999/checkin",
    "/staff/members/999999", "/r/no-such-ticket", "/plan/indicators/999999",
])
def test_unknown_ids_on_staff_pages_are_404_pages(client, login, path):
    login(client, "coordinator")
    response = client.get(path)
    assert response.status_code == 404
    assert "bestaat niet" in response.get_data(as_text=True)
