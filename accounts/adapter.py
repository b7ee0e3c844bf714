"""allauth adapter: Crossover's rules for usernames, where members land, and lock-outs."""

from __future__ import annotations

from http import HTTPStatus

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse

LOCKED_OUT = "Too many failed log-in attempts for this account or from your network."


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Compose allauth's mail in the request, send it through the task queue.

        Sign-up confirmation and password reset never wait on the mail server, and a
        failing one is retried (core.tasks). Enqueued inside allauth's transaction, if
        any: a sign-up that rolls back sends nothing.
        """
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        from core.tasks import queue_email

        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)}
            | context,
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
