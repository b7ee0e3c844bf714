"""Site-wide middleware: rate-limit refusals become 429 and 503 pages in the site layout."""

from __future__ import annotations

import logging

from django.shortcuts import render

from core.limits import wait_text
from core.ratelimit import RateLimited, RateLimitUnavailable

logger = logging.getLogger(__name__)


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
