"""Refusals (4xx/5xx) the way a person meets them: in place under htmx, the site's page without JS.

One rule for the whole site. An htmx request (not boosted, not a history restore) that
is refused gets a short message swapped into the error region every page has
(`#refusal` in base.html, `role="alert"`), through `HX-Retarget` and `HX-Reswap`: the
page the member was on stays as it was. A view that shows its refusal in place itself
(a form re-rendered with its error, the vote button with its wait) says where with its
own `HX-Retarget`, and is left alone. A plain request gets the site's own page for the
status (templates/<status>.html) with the message and a way back.

`refuse()` builds either answer; the error handlers (config/urls.py), the CSRF failure
view and `RefusalMiddleware` all go through it, so a bare `PermissionDenied`, an empty
405 from `require_POST` or a 404 for a comment deleted meanwhile all read the same.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

from core.caching import fill_missed

logger = logging.getLogger(__name__)

REGION = "#refusal"

# What a person is told when the view gave no message of its own.
DEFAULT_MESSAGES = {
    400: "Something in that request wasn't right, so nothing was changed. "
    "Reload the page and try again.",
    403: "You don't have permission to do that.",
    404: "That isn't here any more: it may have been deleted or moved. "
    "Reload the page to see what changed.",
    405: "That address is for a button on the site (like Vote, Like or Delete), not a page "
    "to open. Nothing was changed.",
    409: "That changed while you were looking at it. Reload the page to see it as it is now.",
    413: "That is too large to send.",
    422: "Something in that form needs fixing.",
    429: "You're doing that too often. Please wait a little, then try again.",
    500: "Something went wrong on our side. Please try again in a moment.",
    503: "Part of Crossover is having trouble, so we can't take this action safely at the "
    "moment. Nothing was saved. Reading the site still works; please try again in a minute.",
}
TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Not a page",
    409: "That changed meanwhile",
    413: "Too large",
    422: "Needs fixing",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}
# Statuses with a page of their own in templates/; others use the nearest kind.
PAGES = {400, 403, 404, 405, 429, 500, 503}

# Messages Django writes for developers, not for people (get_object_or_404's).
_MACHINE_MESSAGE = re.compile(r"^No .+ matches the given query\.$")


def is_htmx_fragment(request: HttpRequest) -> bool:
    """An htmx request that swaps a fragment (not a boosted link, not a history restore)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def human_message(exception: BaseException | None) -> str:
    """The exception's message if a view wrote one for people, else ""."""
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    if not isinstance(message, str) or _MACHINE_MESSAGE.match(message):
        return ""
    return message.strip()


def back_url(request: HttpRequest) -> str:
    """Where "go back" leads: the page the person came from (on this site), else home."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if _local(path) and path != request.get_full_path():
            return path
    return "/"


def _local(path: str) -> bool:
    """A path on this site: not "//elsewhere" nor "/\\elsewhere", which browsers take as hosts."""
    return path.startswith("/") and not path.startswith(("//", "/\\")) and "\\" not in path


def owner_url(request: HttpRequest) -> str:
    """The page an action address belongs to (/collabs/apt/vote/ → /collabs/apt/), or ""."""
    path = request.path.rstrip("/")
    parent = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    if not parent or parent == "/" or not _local(parent):
        return ""
    try:
        resolve(parent)
    except Resolver404:
        return ""
    return parent


def refuse(
    request: HttpRequest,
    *,
    status: int,
    message: str = "",
    title: str = "",
    template: str | None = None,
    context: dict | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The answer to a refused request: the error region's message under htmx, else a page."""
    default = DEFAULT_MESSAGES.get(status) or DEFAULT_MESSAGES[500 if status >= 500 else 400]
    if is_htmx_fragment(request):
        response = region_response(status=status, message=message or default)
    else:
        page = template or f"{status if status in PAGES else (500 if status >= 500 else 400)}.html"
        page_context = {
            "status": status,
            "title": title or TITLES.get(status) or "Not possible",
            "message": message,
            "default_message": default,
            "back_url": back_url(request),
            "owner_url": owner_url(request) if status == 405 else "",
            **(context or {}),
        }
        response = render(request, page, page_context, status=status)
        fill_missed(request, response)  # refused before its holes could be filled
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def region_response(*, status: int, message: str) -> HttpResponse:
    """The error region's content, for htmx to swap in wherever the member is."""
    # Rendered without the request's context processors, so it works when they can't
    # (a 500 because the database is down).
    html = loader.render_to_string("includes/refusal.html", {"message": message, "status": status})
    response = HttpResponse(html, status=status)
    response["HX-Retarget"] = REGION
    response["HX-Reswap"] = "innerHTML"
    return response


class RefusalMiddleware:
    """Give every refusal that reached here without a message for people the site's answer.

    Under htmx: any 4xx/5xx without its own `HX-Retarget` goes to the error region.
    Without: an empty refusal (require_POST's 405, a bare 400) gets the site's page.
    """

    KEEP_HEADERS = ("Allow", "Retry-After", "Vary", "Cache-Control")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status < 400 or response.streaming:
            return response
        if is_htmx_fragment(request):
            if response.has_header("HX-Retarget") or response.has_header("HX-Redirect"):
                return response
        elif response.content or response.has_header("Location"):
            return response
        new = refuse(request, status=status)
        for name in self.KEEP_HEADERS:
            if response.has_header(name):
                new[name] = response[name]
        new.cookies = response.cookies
        return new


# Error handlers (config/urls.py) and the CSRF failure view (settings.CSRF_FAILURE_VIEW)


def bad_request(request, exception=None):
    return refuse(request, status=400, message=human_message(exception))


def permission_denied(request, exception=None):
    message = human_message(exception)
    if not message and request.path.startswith("/admin/"):
        message = "The back office is for Crossover's editors. Your account can't open it."
    return refuse(request, status=403, message=message)


def page_not_found(request, exception=None):
    return refuse(request, status=404, message=human_message(exception))


def server_error(request):
    """500: rendered without context processors or the database, which may be what failed."""
    message = DEFAULT_MESSAGES[500]
    if is_htmx_fragment(request):
        return region_response(status=500, message=message)
    html = loader.get_template("500.html").render({"message": message})
    return HttpResponse(html, status=500)


def csrf_failure(request, reason=""):
    """A form sent from a page that is out of date (a new session, an old tab)."""
    logger.info("CSRF failure on %s %s: %s", request.method, request.path, reason)
    why = "You may have logged in or out in another tab, so nothing was sent."
    return refuse(
        request,
        status=403,
        message=f"This page was out of date. {why} Reload the page and try again.",
        title="Page out of date",
        template="403_csrf.html",
        context={"message": f"{why} Go back, reload the page and try again."},
    )


def too_many_requests(request):
    """allauth's own rate limits (sign-up, password reset…) answer through this."""
    said = "Too many attempts from here in a short while."
    return refuse(
        request,
        status=429,
        message=f"{said} Try again in a few minutes.",
        context={"message": said, "wait": "a few minutes"},
        headers={"Retry-After": "300"},
    )
