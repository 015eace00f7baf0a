"""The app refuses unsafe configuration with a clear message."""

import pytest

from coopnet import create_app
from coopnet.config import ConfigError


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("COOPNET_SECRET_KEY", raising=False)
    monkeypatch.setenv("COOPNET_ENV", "production")
    monkeypatch.setenv("COOPNET_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    with pytest.raises(ConfigError, match="COOPNET_SECRET_KEY is not set"):
        create_app()


def test_production_refuses_a_short_key(monkeypatch, tmp_path):
    monkeypatch.setenv("COOPNET_ENV", "production")
    monkeypatch.setenv("COOPNET_SECRET_KEY", "short")
    monkeypatch.setenv("COOPNET_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    with pytest.raises(ConfigError, match="too short"):
        create_app()


def test_production_with_a_real_key_starts_with_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("COOPNET_ENV", "production")
    monkeypatch.setenv("COOPNET_SECRET_KEY", "a" * 64)
    monkeypatch.setenv("COOPNET_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")


def test_development_starts_without_key_and_defaults_to_sqlite_in_instance(monkeypatch):
    monkeypatch.delenv("COOPNET_SECRET_KEY", raising=False)
    monkeypatch.delenv("COOPNET_DATABASE_URL", raising=False)
    monkeypatch.setenv("COOPNET_ENV", "development")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "sqlite:///" + app.instance_path + "/coopnet.sqlite"
    )
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_unknown_environment_is_refused(monkeypatch):
    monkeypatch.setenv("COOPNET_ENV", "staging")
    with pytest.raises(ConfigError, match="COOPNET_ENV"):
        create_app()


def test_webinar_threshold_defaults_to_ten_minutes_and_refuses_a_negative_one(monkeypatch):
    monkeypatch.setenv("COOPNET_ENV", "development")
    monkeypatch.delenv("COOPNET_WEBINAR_MIN_MINUTES", raising=False)
    assert create_app({"TESTING": True}).config["COOPNET_WEBINAR_MIN_MINUTES"] == 10
    monkeypatch.setenv("COOPNET_WEBINAR_MIN_MINUTES", "15")
    assert create_app({"TESTING": True}).config["COOPNET_WEBINAR_MIN_MINUTES"] == 15
    monkeypatch.setenv("COOPNET_WEBINAR_MIN_MINUTES", "-1")
    with pytest.raises(ConfigError, match="COOPNET_WEBINAR_MIN_MINUTES"):
        create_app({"TESTING": True})


def test_rate_limits_have_defaults_and_refuse_what_is_not_a_limit(monkeypatch):
    monkeypatch.setenv("COOPNET_ENV", "development")
    for name in ("COOPNET_RATELIMIT_ANONYMOUS", "COOPNET_RATELIMIT_STAFF", "COOPNET_PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)
    config = create_app({"TESTING": True}).config
    assert config["COOPNET_RATELIMIT_ANONYMOUS"] == "300 per minute"
    assert config["COOPNET_RATELIMIT_MEMBER"] == "600 per minute"
    assert config["COOPNET_RATELIMIT_STAFF"] == "3000 per minute"
    assert config["COOPNET_RATELIMIT_SIGN_IN"] == "10 per minute; 50 per hour"
    assert config["COOPNET_PROXY_COUNT"] == 0
    monkeypatch.setenv("COOPNET_RATELIMIT_STAFF", "5000 per minute")
    assert create_app({"TESTING": True}).config["COOPNET_RATELIMIT_STAFF"] == "5000 per minute"
    monkeypatch.setenv("COOPNET_RATELIMIT_ANONYMOUS", "lots")
    with pytest.raises(ConfigError, match="COOPNET_RATELIMIT_ANONYMOUS"):
        create_app({"TESTING": True})
    monkeypatch.delenv("COOPNET_RATELIMIT_ANONYMOUS")
    monkeypatch.setenv("COOPNET_PROXY_COUNT", "-1")
    with pytest.raises(ConfigError, match="COOPNET_PROXY_COUNT"):
        create_app({"TESTING": True})


@pytest.mark.parametrize(("url", "pinged"), [
    ("postgresql+psycopg://postgres@127.0.0.1:5432/test", True),
    ("sqlite:///{tmp}/x.sqlite", False),
])
def test_pooled_connections_are_pinged_only_where_a_server_can_drop_them(
        monkeypatch, tmp_path, url, pinged):
    # PostgreSQL may close an idle connection; a SQLite file has no server to lose
    monkeypatch.setenv("COOPNET_ENV", "production")
    monkeypatch.setenv("COOPNET_SECRET_KEY", "a" * 64)
    monkeypatch.setenv("COOPNET_DATABASE_URL", url.format(tmp=tmp_path))
    app = create_app()
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": pinged}
