"""French beside Dutch and English: chosen in the menu, remembered, with Belgian and British
formats for dates and numbers; mails and calendar files follow the registrant's language."""

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import render_template_string

from coopnet.extensions import db
from coopnet.mail.models import OutboxMessage
from tests.factories import make_event


def _event(app, **fields):
    with app.app_context():
        return make_event("Webinar GDPR", starts_at=datetime(2021, 4, 22, 10, 0, tzinfo=UTC),
                          **fields).id


def test_the_menu_offers_french_and_remembers_it(client, app):
    event_id = _event(app)
    html = client.get("/").get_data(as_text=True)
    # Dutch by default: the menu offers the two other languages, each in its own words
    assert '<button type="submit" class="btn btn-link nav-link" lang="fr">Français</button>' in html
    assert '<button type="submit" class="btn btn-link nav-link" lang="en">English</button>' in html
    response = client.post("/language/fr", data={"next": f"/events/{event_id}"})
    assert response.status_code == 302
    assert "coopnet_lang=fr" in response.headers["Set-Cookie"]
    assert "Max-Age=31536000" in response.headers["Set-Cookie"]
    html = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "jeudi 22 avril 2021, 12:00" in html
    assert "Quand" in html and "Wanneer" not in html
    assert "Webinaire" in html
    assert ">Nederlands</button>" in html and ">Français</button>" not in html
    # the next page remembers it
    assert "Activités à venir" in client.get("/").get_data(as_text=True)


def test_an_unknown_language_is_ignored(client):
    response = client.post("/language/de", data={"next": "/"})
    assert "Set-Cookie" not in response.headers or "coopnet_lang" not in response.headers.get(
        "Set-Cookie", "")
    assert "Komende activiteiten" in client.get("/").get_data(as_text=True)


def _render(app, lang, template, **values):
    with app.test_request_context("/", headers={"Cookie": f"coopnet_lang={lang}"}):
        return render_template_string(template, **values)


def test_dates_and_numbers_follow_the_language(app):
    moment = datetime(2021, 11, 3, 11, 0, tzinfo=UTC)  # 12:00 in Brussels
    day = date(2021, 11, 3)
    template = "{{ m|datetime('short') }}|{{ d|date('short') }}|{{ m|date }}|{{ n|number }}"
    values = {"m": moment, "d": day, "n": 1500.25}
    # British English, not "11/3/21, 12:00 PM"
    assert _render(app, "en", template, **values) == "03/11/2021, 12:00|03/11/2021|3 Nov 2021|1,500.2"
    # Belgian French: day first, a narrow no-break space between thousands, decimal comma
    assert _render(app, "fr", template, **values) == \
        "3/11/21 12:00|3/11/21|3 nov. 2021|1\u202f500,2"
    # Belgian Dutch
    assert _render(app, "nl", template, **values) == "3/11/2021, 12:00|3/11/2021|3 nov 2021|1.500,2"



def test_figures_are_written_with_at_most_one_decimal_in_each_language(app):
    """The dashboard's figures: thousands grouped, one decimal at most (none when it is 0),
    rounded half to even as Babel does, the minus sign kept for a negative that rounds to 0."""
    template = ("{% for n in values %}{{ n|number }}{% if not loop.last %}|{% endif %}"
                "{% endfor %}")
    values = [0, 7, 1500, 1234567, 0.04, 0.3, 2.0, 12.25, 999.96, -1234.56, -0.04, None,
              Decimal("1234.56")]
    assert _render(app, "nl", template, values=values) == \
        "0|7|1.500|1.234.567|0|0,3|2|12,2|1.000|-1.234,6|-0|–|1.234,6"
    assert _render(app, "fr", template, values=values) == (
        "0|7|1\u202f500|1\u202f234\u202f567|0|0,3|2|12,2|1\u202f000|-1\u202f234,6|-0|–"
        "|1\u202f234,6")
    assert _render(app, "en", template, values=values) == \
        "0|7|1,500|1,234,567|0|0.3|2|12.2|1,000|-1,234.6|-0|–|1,234.6"
    # beyond a float's exact digits: the shortest decimal that reads back as it, not the
    # float's binary expansion
    assert _render(app, "nl", "{{ n|number }}", n=1.2345678901234567e20) == \
        "123.456.789.012.345.670.000"


def test_a_french_registrant_gets_the_mail_and_calendar_file_in_french(client, app):
    with app.app_context():
        event_id = make_event("Coopborrel Brussel", kind_slug="coopborrel", city="Brussel",
                              location="Maison des Coopératives",
                              starts_at=datetime(2099, 3, 5, 17, 0, tzinfo=UTC)).id
    client.post("/language/fr", data={"next": "/"})
    response = client.post(f"/events/{event_id}/register",
                           data={"name": "Camille Dubois", "email": "camille@example.test",
                                 "organization": "", "consent": "y"})
    assert response.status_code == 302
    with app.app_context():
        mail = db.session.execute(sa.select(OutboxMessage)).scalar_one()
        assert mail.subject == "Votre inscription : Coopborrel Brussel"
        assert mail.body_text.startswith("Bonjour Camille,")
        assert "Vous êtes inscrit·e à Coopborrel Brussel." in mail.body_text
        assert "Quand: jeudi 5 mars 2099, 18:00–19:30" in mail.body_text
        assert "Bien cordialement," in mail.body_text
        ics = mail.attachments[0].content.decode()
        assert "CATEGORIES:Coopborrel" in ics


def test_mail_sent_without_a_visitor_is_in_dutch(app):
    """Nobody's language is stored: a mail sent from a timer or the command line is Dutch."""
    with app.app_context():
        assert render_template_string("{{ _('Kind regards,') }} {{ d|date }}",
                                      d=date(2021, 11, 3)) == "Met vriendelijke groeten, 3 nov 2021"
