"""Site-wide middleware: one log line per request with its id; rate-limit refusals become
429 and 503 answers in the site's way (under htmx the message goes to the page's error
region, else the 429 or 503 page: core.refusals.refuse decides); NUL bytes that reach
PostgreSQL a 400; Permissions-Policy and Cache-Control: private."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import DataError
from django.utils.cache import patch_cache_control
from django.utils.functional import empty

from core import logs
from core.limits import wait_text
from core.ratelimit import RateLimited, RateLimitUnavailable
from core.refusals import refuse

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
                path = logs.loggable_path(request.path)
                request_logger.info(
                    "%s %s %s %sms",
                    request.method,
                    path,
                    response.status_code,
                    duration_ms,
                    extra={
                        "method": request.method,
                        "path": path,
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
            wait = wait_text(exception.retry_after)
            message = exception.message or "You have done that too many times in a short while."
            return refuse(
                request,
                status=429,
                message=f"{message} Try again in {wait}.",
                context={"message": message, "retry_after": exception.retry_after, "wait": wait},
                headers={"Retry-After": str(exception.retry_after)},
            )
        if isinstance(exception, RateLimitUnavailable):
            logger.warning("refused %s %s: %s", request.method, request.path, exception)
            return refuse(request, status=503, headers={"Retry-After": str(exception.retry_after)})
        return None


# Every feature the site does not use, turned off for it and anything it might embed. Only
# features Chromium and Firefox know: an unknown one is logged as an error on every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PrivacyHeadersMiddleware:
    """`Permissions-Policy` on every response, and `Cache-Control: private` on every
    response that belongs to one person.

    A response belongs to one person when the request came with a session (a member, or
    anyone the site is keeping something for) or a flash message, or when the response
    sets a cookie (a page with a form carries the visitor's own CSRF token and renews
    its cookie): a shared cache (a CDN, a company proxy) must never keep it for the next
    visitor. Nearly every response says `Vary: Cookie` (a middleware asks the session who
    is there), which correct caches honour and many don't, hence `private`; but without
    a session cookie nothing in it is anyone's own, so robots.txt, the sitemap and the
    feed stay cacheable. Listed above the session, CSRF and messages middleware so that
    the cookies they set are seen here. The page cache (core/caching.py) has stored
    the page before this runs, so `private` here keeps it from no visitor; a view that
    marks its own response private (an editor's preview) is never stored there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or "messages" in request.COOKIES
            or any(cookie["max-age"] != 0 for cookie in response.cookies.values())
        ):
            patch_cache_control(response, private=True)
        return response


def _unreadable(exception: Exception) -> bool:
    # psycopg 3 refuses a NUL in any string parameter (psycopg 2: the same as a ValueError).
    return isinstance(exception, (DataError, ValueError)) and "NUL (0x00)" in str(exception)


class UnreadableInputMiddleware:
    """A value the view let through to PostgreSQL with a NUL in it answers 400, not 500.

    The pages that read parameters refuse such values themselves and say so (the
    catalogue's filters, search, pagination); this is the net under the rest (the
    admin's filters). SQLite compares such strings and finds nothing; PostgreSQL cannot
    hold them at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if _unreadable(exception):
            logger.info("refused %s %s: %s", request.method, request.path, exception)
            raise BadRequest("The address holds a character no page here can read.") from None
        return None
