"""gunicorn's settings for Tenderapp: gunicorn reads this file from the directory it is started
in, so ``.venv/bin/gunicorn 'tenderapp:create_app()'`` needs no other options. Each can be
given in the environment (see README, Configuration); options on the command line still win."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
timeout = 30  # a request still running after this long is stopped and its worker replaced
graceful_timeout = 30  # on restart, requests in progress get this long to finish
accesslog = None  # the app writes one JSON line per request itself (logger tenderapp.request)
errorlog = "-"
# Addresses of the proxies allowed to set X-Forwarded-Proto (https links); TRUSTED_PROXIES tells the
# app how many X-Forwarded-* hops to believe.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def on_starting(server) -> None:
    """Tell the app how many workers really run (after any --workers on the command line), so
    that production refuses rate limits counted in each worker's memory (tenderapp.deployment)."""
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
