"""The TOTP step of logging in (and of re-authenticating), with its guards in the database.

allauth's authenticate form limits wrong codes through its cache-based rate limit and
refuses a used code through a cache entry (`cache.add`). Our cache bypasses Redis errors
(core/cache.py), so with Redis down both guards would let everything through: any number
of guesses, and the same code twice. These forms (settings.MFA_FORMS) keep allauth's
flow, but count wrong codes in `accounts.Attempt` rows (CROSSOVER_LIMITS["totp_failed"],
per member and per network) and record each used time step in `accounts.UsedTOTPCode`,
whose unique constraint refuses a second use on every app server. Over the limit the
step answers 429 with the real wait.
"""

from __future__ import annotations

import time
from datetime import timedelta

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import attempts
from accounts.models import UsedTOTPCode

TOO_MANY_CODES = "Too many wrong codes for this account or from your network."


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step whose code `code` is (within the tolerance), or None."""
    current = int(time.time() if now is None else now) // mfa_settings.TOTP_PERIOD
    tolerance = mfa_settings.TOTP_TOLERANCE
    for step in range(current - tolerance, current + tolerance + 1):
        if compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, step))):
            return step
    return None


def totp_code_use(*, authenticator: Authenticator, code: str) -> bool:
    """Whether `code` is right for this TOTP authenticator and not used before; marks it used."""
    step = matching_step(decrypt(authenticator.data["secret"]), code)
    if step is None:
        return False
    now = timezone.now()
    # Steps older than the tolerance can never match again: no need to keep them.
    horizon = (mfa_settings.TOTP_TOLERANCE * 2 + 2) * mfa_settings.TOTP_PERIOD
    UsedTOTPCode.objects.filter(
        user_id=authenticator.user_id, used_at__lt=now - timedelta(seconds=horizon)
    ).delete()
    try:
        with transaction.atomic():
            UsedTOTPCode.objects.create(user_id=authenticator.user_id, step=step, used_at=now)
    except IntegrityError:
        return False  # used already: a replay
    return True


class DatabaseGuardedCodeMixin:
    def clean_code(self) -> str:
        from accounts.adapter import client_network, too_many

        code = self.cleaned_data["code"]
        request = self.request_for_limits()
        checks = [("totp_failed", f"user:{self.user.pk}")]
        if request is not None:
            checks.append(("totp_failed_network", client_network(request)))
        try:
            usage = attempts.consume(checks)
        except attempts.AttemptsExceeded as exceeded:
            raise ImmediateHttpResponse(
                too_many(request, TOO_MANY_CODES, exceeded.retry_after)
            ) from None
        main_auth = None
        for auth in Authenticator.objects.filter(user=self.user).exclude(
            type=Authenticator.Type.WEBAUTHN  # cannot check typed codes
        ):
            if not main_auth or auth.type == Authenticator.Type.TOTP:
                main_auth = auth
            if auth.type == Authenticator.Type.TOTP:
                valid = totp_code_use(authenticator=auth, code=code)
            else:
                # Recovery codes: allauth keeps which were used in the database already.
                valid = auth.wrap().validate_code(code)
            if valid:
                auth.user = self.user
                self.authenticator = auth
                usage.release()
                return code
        if main_auth:
            self._emit_authentication_failed(main_auth)
        raise get_adapter().validation_error("incorrect_code")

    def request_for_limits(self):
        from allauth.core import context

        return context.request


class TOTPAuthenticateForm(DatabaseGuardedCodeMixin, AuthenticateForm):
    pass


class TOTPReauthenticateForm(DatabaseGuardedCodeMixin, ReauthenticateForm):
    pass
