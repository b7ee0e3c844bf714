"""allauth adapter: Crossover's rules for usernames and where members land."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_email_verification_redirect_url(self, email_address):
        return reverse("accounts:profile_edit")
