"""Flask extensions, created unbound and initialised in create_app()."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from coopnet.auth.limits import caller_key, general_limit
from coopnet.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
# rate limits, counted per caller (API token, account or address: coopnet/auth/limits.py);
# storage from COOPNET_RATELIMIT_STORAGE_URL (memory:// for one process, redis://… when several
# app processes share the counts). Every request except static files counts against the
# general limit of its caller's class; some views add tighter limits of their own.
limiter = Limiter(key_func=caller_key, application_limits=[general_limit], default_limits=[])
