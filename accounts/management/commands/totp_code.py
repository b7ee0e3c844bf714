"""Print a member's current TOTP code: development only, for the demo editor."""

from __future__ import annotations

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User


class Command(BaseCommand):
    help = "Print the current two-factor code of a member's TOTP authenticator (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "totp_code is for development only and refuses to run with DEBUG off."
            )
        user = User.objects.by_username(username).first()
        if user is None:
            raise CommandError(f"No member called {username!r}.")
        authenticator = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError(f"{user.username} has no TOTP authenticator.")
        secret = decrypt(authenticator.data["secret"])
        now = time.time()
        period = mfa_settings.TOTP_PERIOD
        code = format_hotp_value(hotp_value(secret, int(now) // period))
        self.stdout.write(code)
        self.stderr.write(f"(valid for {period - int(now) % period} more seconds)")
