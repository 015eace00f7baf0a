"""The one pager: a bounded row of page links, the same on every paged list."""

import re

import pytest

from coopnet.web.pagination import Pager
from tests.factories import make_organization


@pytest.mark.parametrize(("page", "expected"), [
    (1, [1, 2, 3, None, 20]),
    (4, [1, 2, 3, 4, 5, 6, None, 20]),          # a gap of one page shows the page, not "…"
    (6, [1, None, 4, 5, 6, 7, 8, None, 20]),
    (20, [1, None, 18, 19, 20]),
])
def test_the_window_shows_first_last_and_two_around_the_current_page(page, expected):
    assert Pager(page=page, per_page=10, total=200).window() == expected


def test_no_rows_is_one_page_and_a_partial_last_page_counts():
    assert Pager(page=1, per_page=50, total=0).pages == 1
    assert Pager(page=1, per_page=50, total=101).pages == 3
    assert Pager(page=3, per_page=50, total=101).offset == 100


def test_the_member_register_links_a_bounded_window_and_keeps_the_filters(
        app, client, login, monkeypatch):
    monkeypatch.setattr("coopnet.members.views.PAGE_SIZE", 2)
    with app.app_context():
        for number in range(30):
            make_organization(f"Coop {number:02d}", sector="Energie")
    login(client)
    html = client.get("/staff/members/?sector=Energie&page=8").get_data(as_text=True)
    pages = re.findall(r'class="page-link"[^>]*>(\d+)<', html)
    assert pages == ["1", "6", "7", "8", "9", "10", "15"]  # not fifteen links
    assert 'aria-current="page"><span class="page-link">8<' in html
    assert "Pagina 8 van 15" in html
    assert 'rel="next" href="/staff/members/?page=9&amp;q=&amp;sector=Energie' in html
    assert "Coop 14" in html and "Coop 15" in html and "Coop 16" not in html


def test_a_page_number_beyond_reason_is_the_last_possible_page_not_an_error(app, client, login):
    login(client)
    for value in ("99999999999999999999", "-3", "x"):
        assert client.get(f"/staff/members/?page={value}").status_code == 200


def test_the_drill_down_pages_its_records_with_the_same_pager(app, client, login, monkeypatch):
    from tests.plan.test_pages import _borrels

    monkeypatch.setattr("coopnet.plan.views.PAGE_SIZE", 1)
    _plan_id, _held, came, _event = _borrels(app, people=4)  # two of four came
    login(client, "coordinator")
    html = client.get(f"/plan/indicators/{came}?at=2021-12-31").get_data(as_text=True)
    assert "Pagina 1 van 2" in html
    assert f'rel="next" href="/plan/indicators/{came}?page=2&amp;at=2021-12-31"' in html
