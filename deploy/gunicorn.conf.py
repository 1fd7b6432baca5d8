"""
gunicorn settings for kexie (``gunicorn -c deploy/gunicorn.conf.py kexie.wsgi``).

Everything a server may want to change comes from the environment, so the
systemd unit and the rehearsal stack (make prod-up) share this one file.
"""

import multiprocessing
import os

bind = os.environ.get("KEXIE_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Threads let a worker keep answering while one request waits on the database.
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# Longer than PostgreSQL's statement_timeout, so a slow query ends as a Chinese
# 503 from Django rather than as a killed worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never builds up.
max_requests = 2000
max_requests_jitter = 200
# Not preloaded: on HUP the master starts new workers that import the new code,
# and stops the old ones once their requests are done (no dropped request).
preload_app = False
# Workers' heartbeat files in memory: a slow disk must not make them look stuck.
_SHM = "/dev/shm"  # noqa: S108 - gunicorn's documented choice; files it creates itself
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None
# Only nginx (on this host) may tell gunicorn the original scheme.
forwarded_allow_ips = os.environ.get("KEXIE_TRUSTED_PROXIES", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
proc_name = os.environ.get("GUNICORN_PROC_NAME", "kexie")
