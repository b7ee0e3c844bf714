"""gunicorn's settings for one Crossover app server, behind nginx (deploy/nginx.conf.template).

    gunicorn config.wsgi -c deploy/gunicorn.conf.py --bind 127.0.0.1:8000

scripts/serve.py (`make serve`) starts each app server with this file too, on a unix
socket. Sync workers are right here only because nginx buffers every request and
response whole: a worker never waits on a slow client.
"""

import multiprocessing
import os

# CPUs + 1: the workers mostly compute (a kept page costs one short query). On a 2-CPU
# machine that also runs PostgreSQL and Redis, 3 workers served the mixed load of
# scripts/load_test.py faster than gunicorn's usual 2 × CPUs + 1 (PostgreSQL: 438-475 req/s,
# p95 307-339 ms, against 376-377 req/s, p95 384-391 ms with 5). Raise it where requests
# wait on a database on other machines.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() + 1)
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
