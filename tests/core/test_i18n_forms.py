"""WTForms' own messages (a date or number it cannot read) in the page's language."""

from werkzeug.datastructures import MultiDict

from coopnet.plan.forms import ImportForm


def _errors(app, language):
    cookies = f"coopnet_lang={language}" if language else ""
    with app.test_request_context(method="POST", headers={"Cookie": cookies}):
        form = ImportForm(formdata=MultiDict({"starts_on": "morgen", "ends_on": "31/31/2021"}),
                          meta={"csrf": False})
        form.validate()
        return form.errors["starts_on"], form.errors["ends_on"]


def test_wtforms_messages_follow_each_requests_language(app):
    # the catalogue is read once per language and process: each request still gets its own
    assert _errors(app, None) == (["Ongeldige datum."], ["Ongeldige datum."])
    assert _errors(app, "fr") == (["N'est pas une date valide."], ["N'est pas une date valide."])
    assert _errors(app, "en") == (["Not a valid date value."], ["Not a valid date value."])
    assert _errors(app, "nl") == (["Ongeldige datum."], ["Ongeldige datum."])
