"""Site-wide middleware: rate-limit refusals become 429 and 503 answers in the site's way.

Under htmx the message goes to the page's error region, else the 429 or 503 page
(core.refusals.refuse decides which).
"""

from __future__ import annotations

import logging

from core.limits import wait_text
from core.ratelimit import RateLimited, RateLimitUnavailable
from core.refusals import refuse

logger = logging.getLogger(__name__)


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
