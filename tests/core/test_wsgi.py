"""The production entry point keeps the app's long-lived objects out of the collector's way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_worker_freezes_what_it_built_so_full_collections_stay_short(tmp_path):
    # a gunicorn worker imports wsgi.py; everything built then (about 150,000 objects: the
    # app, mappers, templates' environment) is moved out of the collector's reach
    script = ("import gc, time, wsgi\n"
              "started = time.perf_counter(); gc.collect()\n"
              "print(gc.get_freeze_count(), round((time.perf_counter() - started) * 1000))\n")
    env = {**os.environ, "COOPNET_ENV": "development", "COOPNET_SECRET_KEY": "w" * 40,
           "COOPNET_DATABASE_URL": f"sqlite:///{tmp_path}/wsgi.sqlite", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    frozen, _collect_ms = (int(x) for x in result.stdout.split())
    assert frozen > 50_000
