"""The admin is for staff with two-factor authentication: others are sent to set it up."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect

# Recovery codes alone are a fallback, not a second factor.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


class AdminRequiresMFAMiddleware:
    """Staff and superusers reach /admin/ only once they have an authenticator.

    Logging in goes through allauth (config/urls.py), whose MFA stage asks for the
    code of every member who has one; so "has an authenticator" means "logged in
    with it". Visitors and non-staff are left to the admin's own checks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "admin" not in request.resolver_match.namespaces:
            return None  # the member is not looked up before the page needs them
        user = request.user
        if (
            user.is_authenticated
            and (user.is_staff or user.is_superuser)
            and not has_second_factor(user)
        ):
            messages.warning(
                request,
                "The editors' back office needs two-factor authentication. "
                "Set up an authenticator app below, then go back to /admin/.",
            )
            return redirect("mfa_activate_totp")
        return None
