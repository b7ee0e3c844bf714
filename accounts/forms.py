"""Member-facing forms: profile edit and account deletion."""

from __future__ import annotations

import ipaddress

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter as get_account_adapter
from django import forms
from django.conf import settings
from django.core import validators
from django.core.exceptions import ValidationError

from accounts import attempts, names
from accounts.models import User
from core import images
from core.ratelimit import RateLimited

AVATAR_RENDITION = images.Rendition(256, 256, crop=True)


class ProfileForm(forms.ModelForm):
    avatar = forms.FileField(
        required=False,
        label="New avatar",
        help_text="JPEG, PNG, WebP or GIF, up to 5 MB. It is cropped to a square.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_avatar = forms.BooleanField(required=False, label="Remove my avatar")

    class Meta:
        model = User
        fields = ["display_name", "bio", "hide_votes", "email_notifications"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "maxlength": 500})}
        help_texts = {"display_name": "Shown beside your comments. Your username stays the same."}

    def clean_display_name(self):
        return names.check_display_name(self.cleaned_data["display_name"], user=self.instance)

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        image = images.clean_image(upload)
        return images.render(image, AVATAR_RENDITION)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="I understand my profile, votes and likes are removed for good, "
        'and my comments stay as "[deleted]".'
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That password is not right.", code="wrong_password")
        return password


class LoginForm(allauth_forms.LoginForm):
    """allauth's login form, with a label that says what the one field takes, and a length
    no username or email address exceeds: allauth sets none when either may be typed,
    and a 2 MB "username" cost seconds of work before any limit was checked."""

    LOGIN_MAX_LENGTH = 254  # an email address's; a username's is 150

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = "Username or email"
        field.max_length = self.LOGIN_MAX_LENGTH
        field.validators.append(validators.MaxLengthValidator(self.LOGIN_MAX_LENGTH))
        field.widget.attrs["maxlength"] = str(self.LOGIN_MAX_LENGTH)


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up form, without the inline style on its honeypot, and with a cap on
    the accounts one network address may create a day.

    Our Content Security Policy (no 'unsafe-inline') blocks that style attribute
    and the browser reports a violation on every sign-up page; the field is
    hidden by the `.honeypot` wrapper in includes/form_fields.html instead.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        honeypot = self.fields.get(settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD)
        if honeypot is not None:
            honeypot.widget.attrs.pop("style", None)

    def try_save(self, request):
        """Count every valid sign-up against CROSSOVER_LIMITS["signups_per_ip"] first.

        Also those allauth answers without creating an account (the address is taken,
        or the honeypot is filled): refusing only new addresses at the cap would tell
        a visitor which addresses are registered. Counted in the database
        (accounts.attempts: an exact sliding day, so Retry-After is the real wait, and
        it keeps counting while Redis is down); over the cap RateLimited is answered
        429 by core.middleware.
        """
        try:
            attempts.consume([("signups_per_ip", signup_network(request))])
        except attempts.AttemptsExceeded as exceeded:
            raise RateLimited("signups_per_ip", exceeded.retry_after, SIGNUPS_REFUSED) from None
        return super().try_save(request)


SIGNUPS_REFUSED = "Too many accounts have been created from your network today."


def signup_network(request) -> str:
    """The client address as allauth sees it (DJANGO_TRUSTED_PROXY_COUNT applied); for IPv6
    its /64, which one household or phone usually gets whole."""
    address = ipaddress.ip_address(get_account_adapter(request).get_client_ip(request))
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
