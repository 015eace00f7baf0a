"""A service's refusal on a page: field messages beside their fields, the rest at the top."""

import ast
import pathlib

from flask import get_flashed_messages
from wtforms import Form, StringField

from coopnet.errors import DomainError, Invalid
from coopnet.web.forms import show_errors


class _Form(Form):
    name = StringField()
    email = StringField()


def test_field_messages_go_beside_their_fields_and_the_others_to_the_top(app):
    with app.test_request_context():
        form = _Form()
        placed = show_errors(form, Invalid({"email": "Geen geldig adres.",
                                            "capacity": "Te weinig plaatsen."}))
        assert placed is True
        assert form.email.errors == ["Geen geldig adres."]
        assert form.name.errors in ((), [])
        assert get_flashed_messages(with_categories=True) == [("danger", "Te weinig plaatsen.")]


def test_a_refusal_without_fields_is_shown_at_the_top(app):
    with app.test_request_context():
        form = _Form()
        assert show_errors(form, DomainError("event_full", "Het evenement is volzet.")) is False
        assert get_flashed_messages(with_categories=True) == [
            ("danger", "Het evenement is volzet.")]


def test_a_renamed_field_lands_on_the_forms_field(app):
    with app.test_request_context():
        form = _Form()
        assert show_errors(form, Invalid({"mail": "Fout."}), rename={"mail": "email"})
        assert form.email.errors == ["Fout."]


def test_errors_are_flashed_in_one_category_that_the_page_shows_as_an_alert():
    """Every flash in the code uses a category base.html styles; errors are "danger" only."""
    allowed = {"success", "info", "warning", "danger"}
    found: dict[str, set[str]] = {}
    for path in pathlib.Path("coopnet").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "flash"
                    and len(node.args) == 2 and isinstance(node.args[1], ast.Constant)):
                found.setdefault(node.args[1].value, set()).add(str(path))
    assert found.keys() <= allowed, {k: v for k, v in found.items() if k not in allowed}
    assert "danger" in found
