"""Staff sign in with a hashed password; roles open or close pages."""

import pytest

from coopnet.auth.models import User
from coopnet.auth.services import authenticate
from coopnet.errors import DomainError
from coopnet.extensions import db
from tests.factories import make_user


def test_password_is_stored_hashed(ctx):
    user = make_user(password="geheim-wachtwoord-1")
    assert user.password_hash and "geheim" not in user.password_hash
    assert user.check_password("geheim-wachtwoord-1")
    assert not user.check_password("fout")


def test_authenticate_accepts_any_case_of_the_email(ctx):
    make_user(email="an@coopnet.test", password="pw-123456")
    assert authenticate("  AN@Coopnet.test ", "pw-123456").email == "an@coopnet.test"


@pytest.mark.parametrize("email,password", [("an@coopnet.test", "wrong"),
                                            ("nobody@coopnet.test", "pw-123456")])
def test_bad_credentials_give_one_code_for_both_cases(ctx, email, password):
    make_user(email="an@coopnet.test", password="pw-123456")
    with pytest.raises(DomainError) as caught:
        authenticate(email, password)
    assert caught.value.code == "bad_credentials"


def test_inactive_account_cannot_sign_in(ctx):
    user = make_user(email="gone@coopnet.test", password="pw-123456")
    user.is_active_account = False
    db.session.commit()
    with pytest.raises(DomainError):
        authenticate("gone@coopnet.test", "pw-123456")


def test_sign_in_page_is_dutch_and_signs_in(client, app):
    page = client.get("/auth/login")
    assert page.status_code == 200
    assert "Aanmelden" in page.get_data(as_text=True)
    with app.app_context():
        make_user(email="sofie@coopnet.test", password="pw-123456", display_name="Sofie")
    response = client.post("/auth/login", data={"email": "sofie@coopnet.test",
                                                "password": "pw-123456"})
    assert response.status_code == 302
    home = client.get("/")
    assert "Sofie" in home.get_data(as_text=True)
    assert "Afmelden" in home.get_data(as_text=True)
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(email="sofie@coopnet.test")).scalar_one()
        assert user.last_login_at is not None


def test_wrong_password_shows_message_beside_the_field_and_keeps_the_email(client, app):
    with app.app_context():
        make_user(email="sofie@coopnet.test", password="pw-123456")
    page = client.post("/auth/login", data={"email": "sofie@coopnet.test", "password": "nope"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "E-mailadres of wachtwoord is onjuist." in html
    assert 'value="sofie@coopnet.test"' in html


def test_sign_in_follows_a_local_next_but_not_another_site(client, app):
    with app.app_context():
        make_user(email="s@coopnet.test", password="pw-123456")
    data = {"email": "s@coopnet.test", "password": "pw-123456"}
    response = client.post("/auth/login?next=https://evil.test/", data=data)
    assert response.headers["Location"] == "/"


def test_sign_out_needs_a_post(client, login):
    login(client, "staff")
    assert client.get("/auth/logout").status_code == 405
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert "Aanmelden" in client.get("/").get_data(as_text=True)
