"""allauth adapter: Crossover's rules for usernames, where members land, and lock-outs."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse

from core.urls import absolute_url, site_scheme_and_domain

LOCKED_OUT = "Too many failed log-in attempts for this account or from your network."


class AccountAdapter(DefaultAccountAdapter):
    def get_email_verification_redirect_url(self, email_address):
        return reverse("accounts:profile_edit")

    def pre_authenticate(self, request, **credentials):
        """Answer too many failed logins with 429, not allauth's 200 form error.

        allauth counts failed logins in the cache (10 a minute per IP, 5 in five
        minutes per account) and, over the limit, only adds a form error; a 429
        tells scripts and proxies what happened as well as people.
        """
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code != "too_many_login_attempts":
                raise
            response = render(
                request,
                "429.html",
                {"message": LOCKED_OUT},
                status=HTTPStatus.TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = "300"
            raise ImmediateHttpResponse(response) from None

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mail, named for the site and linked on its public address (SITE_NAME,
        SITE_URL), whichever host name the request came in on: "Hello from Crossover!",
        never the sites framework's "example.com"."""
        site = SiteIdentity(name=settings.SITE_NAME, domain=site_scheme_and_domain()[1])
        context = {"current_site": site, **context}
        for key, value in context.items():
            if key.endswith("_url") and isinstance(value, str) and "://" in value:
                context[key] = on_site_url(value)
        super().send_mail(template_prefix, email, context)


@dataclass(frozen=True)
class SiteIdentity:
    """What allauth's email templates read from `current_site`."""

    name: str
    domain: str


def on_site_url(url: str) -> str:
    """The same path and query on SITE_URL (allauth builds links on the request's host)."""
    parts = urlsplit(url)
    return absolute_url(urlunsplit(("", "", parts.path, parts.query, parts.fragment)))
