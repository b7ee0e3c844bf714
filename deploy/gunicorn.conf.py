"""gunicorn's settings for one Crossover app server, behind nginx (deploy/nginx.conf.template).

    gunicorn config.wsgi -c deploy/gunicorn.conf.py --bind 127.0.0.1:8000

scripts/serve.py (`make serve`) starts each app server with this file too, on a unix
socket. Sync workers are right here only because nginx buffers every request and
response whole: a worker never waits on a slow client.
"""

import multiprocessing
import os

workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
# A request that runs longer than this is killed (nginx's proxy_read_timeout is 35 s).
timeout = 30
# SIGTERM and SIGHUP let running requests finish within this.
graceful_timeout = 30
backlog = 2048
# The app writes one JSON line per request (core.middleware.RequestLogMiddleware).
accesslog = None
errorlog = "-"
# Headers nginx adds (X-Forwarded-Proto) are trusted from loopback and unix sockets only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
