"""coopnet: the event and membership-network manager of Coopkracht."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from coopnet.config import load_config
from coopnet.validators import IdConverter


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory: config, extensions, blueprints, CLI and error pages."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path, config))
    if app.config["COOPNET_PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # the client address is the one the trusted proxies saw (rate limits count by it);
        # only X-Forwarded-For is read: a header no proxy of ours sets could be forged
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["COOPNET_PROXY_COUNT"],  # type: ignore[method-assign]
                                x_proto=0, x_host=0, x_port=0, x_prefix=0)

    from coopnet import sqlite_setup
    from coopnet.auth.limits import limiter
    from coopnet.extensions import babel, bootstrap, csrf, db, login_manager, migrate
    from coopnet.i18n import select_locale, select_timezone

    db.init_app(app)
    with app.app_context():
        sqlite_setup.configure_engine(db.engine)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=os.path.join(app.root_path, "translations"))
    bootstrap.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    from coopnet import (
        models,  # noqa: F401 - registers every table on the metadata
        security,
    )
    from coopnet.auth import access
    from coopnet.errors import register_error_handlers
    from coopnet.i18n import register_template_helpers

    access.init_app(app)
    security.init_app(app)
    register_error_handlers(app)
    register_template_helpers(app)
    # before any route is added: every <int:...> in a URL is a database id
    app.url_map.converters["int"] = IdConverter
    _register_blueprints(app)
    _register_cli(app)

    @app.teardown_appcontext
    def _shutdown_session(_exc: BaseException | None) -> None:
        db.session.remove()

    return app


def _register_blueprints(app: Flask) -> None:
    from coopnet.api import bp as api_bp
    from coopnet.auth.views import bp as auth_bp
    from coopnet.events.staff_views import bp as staff_events_bp
    from coopnet.events.views import bp as events_bp
    from coopnet.main.views import bp as main_bp
    from coopnet.members.me_views import bp as me_bp
    from coopnet.members.views import bp as members_bp
    from coopnet.pairings.views import bp as pairings_bp
    from coopnet.plan.views import bp as plan_bp
    from coopnet.privacy.views import bp as privacy_bp
    from coopnet.registrations.checkin_views import bp as checkin_bp
    from coopnet.registrations.views import bp as registrations_bp
    from coopnet.vacancies.views import bp as vacancies_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(plan_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(staff_events_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(me_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(vacancies_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(pairings_bp)
    if app.config["COOPNET_DEV_MAILBOX"]:
        from coopnet.mail.dev_views import bp as dev_mailbox_bp

        app.register_blueprint(dev_mailbox_bp)


def _register_cli(app: Flask) -> None:
    from coopnet.auth.cli import token_cli, user_cli
    from coopnet.demo.cli import demo_cli
    from coopnet.mail.cli import mail_cli
    from coopnet.maintenance.cli import backup_command, restore_command
    from coopnet.plan.cli import plan_cli
    from coopnet.privacy.cli import privacy_cli
    from coopnet.registrations.cli import remind_command

    app.cli.add_command(demo_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(token_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(privacy_cli)
    mail_cli.add_command(remind_command)
    app.cli.add_command(mail_cli)
    app.cli.add_command(plan_cli)
