"""allauth adapter: Crossover's rules for usernames, where members land, and lock-outs."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit, urlunsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse

from accounts import attempts, names
from core.limits import wait_text
from core.urls import absolute_url, site_scheme_and_domain

LOCKED_OUT = "Too many failed log-in attempts for this account or from your network."


def too_many(request, message: str, retry_after: int):
    """The site's 429 page, saying when to try again, with a Retry-After that matches."""
    response = render(
        request,
        "429.html",
        {"message": message, "retry_after": retry_after, "wait": wait_text(retry_after)},
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(retry_after)
    return response


def client_network(request) -> str:
    from accounts.forms import signup_network

    return signup_network(request)


def login_checks(request, **credentials) -> list[tuple[str, str]]:
    """What a failed password counts against: the account named (a username by its
    look-alike key, so "EDITOR" and "edıtor" share one count) and the client's network."""
    if credentials.get("email"):
        account = "email:" + credentials["email"].strip().lower()
    else:
        account = "username:" + names.skeleton(credentials.get("username") or "")
    return [("login_failed_account", account), ("login_failed_network", client_network(request))]


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # allauth's "Username can not be used. Please use other username."
        "username_blacklisted": names.USERNAME_RESERVED,
        "username_taken": names.USERNAME_TAKEN,
    }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Compose allauth's mail in the request, send it through the task queue.

        It is named for the site and linked on its public address (SITE_NAME, SITE_URL),
        whichever host name the request came in on: "Hello from Crossover!", never the
        sites framework's "example.com". Sign-up confirmation and password reset never
        wait on the mail server, and a failing one is retried (core.tasks). Enqueued
        inside allauth's transaction, if any: a sign-up that rolls back sends nothing.
        """
        from allauth.core import context as allauth_context

        from core.tasks import queue_email

        site = SiteIdentity(name=settings.SITE_NAME, domain=site_scheme_and_domain()[1])
        context = {"current_site": site, **context}
        for key, value in context.items():
            if key.endswith("_url") and isinstance(value, str) and "://" in value:
                context[key] = on_site_url(value)
        request = allauth_context.request
        message = self.render_mail(
            template_prefix, email, {"request": request, "email": email} | context
        )
        html = next((c for c, kind in message.alternatives if kind == "text/html"), None)
        body = message.body
        if getattr(message, "content_subtype", "plain") == "html":
            body, html = "", message.body
        queue_email(
            subject=message.subject,
            body=body,
            to=list(message.to),
            from_email=message.from_email,
            html=html,
            headers=dict(message.extra_headers) or None,
        )

    def get_email_verification_redirect_url(self, email_address):
        return reverse("accounts:profile_edit")

    def clean_username(self, username: str, shallow: bool = False) -> str:
        """One rule for every username (accounts.names.check_username), after Django's
        and allauth's validators: canonical form (NFKC), no invisible or
        direction-changing characters, not reserved, not a look-alike of a member's."""
        username = names.canonical(username)
        for validator in account_settings.USERNAME_VALIDATORS:
            validator(username)
        if shallow:
            names.check_username_characters(username)
            if names.is_reserved(username):
                raise self.validation_error("username_blacklisted")
            return username
        return names.check_username(username)

    def pre_authenticate(self, request, **credentials):
        """Count failed logins in the database, and answer too many with 429.

        allauth counts them in the cache (10 a minute per IP, 5 in five minutes per
        account), which our cache bypasses while Redis is down; the same limits are
        also counted in the database (accounts.attempts), so passwords are never
        unlimited. Over a limit allauth only adds a form error; a 429 with the real
        wait tells scripts and proxies what happened as well as people.
        """
        try:
            self._db_usage = attempts.consume(login_checks(request, **credentials))
        except attempts.AttemptsExceeded as exceeded:
            raise ImmediateHttpResponse(
                too_many(request, LOCKED_OUT, exceeded.retry_after)
            ) from None
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            self._db_usage.release()
            if error.code != "too_many_login_attempts":
                raise
            # allauth's window is its five minutes; ours (above) said nothing yet.
            raise ImmediateHttpResponse(too_many(request, LOCKED_OUT, 300)) from None

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            # As allauth does: a success takes its own attempt back, never the failures
            # before it, so interleaved good logins cannot reset a brute force.
            usage = getattr(self, "_db_usage", None)
            if usage is not None:
                usage.release()
        return user

    def _delete_login_attempts_cached_email(self, request, **credentials):
        # A successful password reset clears the account's count in allauth's cache;
        # clear ours too, or the member could not use the new password for minutes.
        super()._delete_login_attempts_cached_email(request, **credentials)
        scope, account = login_checks(request, **credentials)[0]
        attempts.clear(scope, account)


@dataclass(frozen=True)
class SiteIdentity:
    """What allauth's email templates read from `current_site`."""

    name: str
    domain: str


def on_site_url(url: str) -> str:
    """The same path and query on SITE_URL (allauth builds links on the request's host)."""
    parts = urlsplit(url)
    return absolute_url(urlunsplit(("", "", parts.path, parts.query, parts.fragment)))
