"""Site-wide middleware: one log line per request with its id; rate-limit refusals
become 429 and 503 pages in the site layout."""

from __future__ import annotations

import logging
import time

from django.shortcuts import render
from django.utils.functional import empty

from core import logs
from core.limits import wait_text
from core.ratelimit import RateLimited, RateLimitUnavailable

logger = logging.getLogger(__name__)
request_logger = logging.getLogger("crossover.requests")


class RequestLogMiddleware:
    """Give the request an id and log one line about it when it is answered.

    The id is the proxy's `X-Request-ID` when it is sane (core.logs), else a new one; it
    is returned in `X-Request-ID` and carried by every log line and enqueued task. The
    line holds method, path (no query string; secret keys in paths masked), status,
    duration, the member's id or "-", and the request id: never an email or an address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = logs.request_id_from(request.headers.get("X-Request-ID"))
        token = logs.REQUEST_ID.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if request_logger.isEnabledFor(logging.INFO):
                duration_ms = round((time.perf_counter() - started) * 1000, 1)
                request_logger.info(
                    "%s %s %s %sms",
                    request.method,
                    logs.loggable_path(request.path),
                    response.status_code,
                    duration_ms,
                    extra={
                        "method": request.method,
                        "path": logs.loggable_path(request.path),
                        "status": response.status_code,
                        "duration_ms": duration_ms,
                        "user_id": _member_id(request),
                    },
                )
            return response
        finally:
            logs.REQUEST_ID.reset(token)


def _member_id(request) -> str:
    """The member's id if the request looked at who they are; never a query of its own."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return "-"
    return str(user.pk) if user.is_authenticated else "-"


class RateLimitMiddleware:
    """Answer `RateLimited` with 429 and `RateLimitUnavailable` with 503, never 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            context = {
                "message": exception.message,
                "retry_after": exception.retry_after,
                "wait": wait_text(exception.retry_after),
            }
            response = render(request, "429.html", context, status=429)
            response["Retry-After"] = str(exception.retry_after)
            return response
        if isinstance(exception, RateLimitUnavailable):
            logger.warning("refused %s %s: %s", request.method, request.path, exception)
            response = render(request, "503.html", {}, status=503)
            response["Retry-After"] = str(exception.retry_after)
            return response
        return None
