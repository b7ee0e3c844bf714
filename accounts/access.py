"""Who may do what: the member-only gate used by every write view."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode, urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect


def remember_verified(user, verified: bool) -> None:
    """For a query that read whether `user`'s email is verified along with its own data:
    `is_verified` (and so `verified_member_required`) then needs no query of its own."""
    user._email_verified = bool(verified)


def is_verified(user) -> bool:
    if not user.is_authenticated:
        return False
    # Already read (remember_verified) by comments.viewer, in the query it makes for every
    # member page, or by a view's own first query (collabs.views.vote).
    known = getattr(user, "_email_verified", None)
    if known is not None:
        return known
    return EmailAddress.objects.filter(user_id=user.pk, verified=True).exists()


def return_path(request: HttpRequest) -> str:
    """Where to come back to after logging in: the page the action was taken on."""
    candidates = [request.POST.get("next"), request.GET.get("next")]
    if request.method == "GET" and not getattr(request, "htmx", False):
        # A page asked for directly is itself the place to come back to.
        candidates.append(request.get_full_path())
    candidates += [request.headers.get("HX-Current-URL"), request.headers.get("Referer")]
    for candidate in candidates:
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(candidate)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            # "https://this-site//evil.example/" is on this site, but its path alone is not.
            if url_has_allowed_host_and_scheme(path, allowed_hosts=None):
                return path
    return request.path if request.method == "GET" else "/"


def verified_member_required(view):
    """Members with a verified email only. Visitors are sent to log in and brought back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            login_url = resolve_url(settings.LOGIN_URL)
            if getattr(request, "htmx", False):
                response = redirect_to_login(return_path(request), login_url)
                return HttpResponseClientRedirect(response.url)
            return redirect_to_login(return_path(request), login_url)
        if not is_verified(request.user):
            if getattr(request, "htmx", False):
                # A fragment swap can't show a whole page: send the browser there instead.
                query = urlencode({"next": return_path(request)})
                return HttpResponseClientRedirect(f"{reverse('accounts:verify_first')}?{query}")
            return render(
                request,
                "accounts/verify_first.html",
                {"next": return_path(request)},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper


def verify_first(request: HttpRequest):
    """Where htmx sends an unverified member who tried a member-only action."""
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return render(request, "accounts/verify_first.html", {"next": next_url}, status=403)
