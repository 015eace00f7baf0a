"""API root: what this API is and who is calling."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from coopnet.api import bp
from coopnet.auth.access import PUBLIC, access


@bp.get("/")
@access(PUBLIC)
def index():
    """Version and the caller's role (null when anonymous)."""
    role = current_user.role if current_user.is_authenticated else None
    return jsonify({"api": "coopnet", "version": 1, "role": role})
