"""The admin: reached through allauth's login and its MFA stage, by staff with TOTP only."""

from __future__ import annotations

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts import demo
from tests.conftest import PASSWORD
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_editor_logs_in_with_password_then_totp_code_and_reaches_the_admin(client, editor):
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": editor.username, "password": PASSWORD}
    )
    # The password alone is not enough: allauth's MFA stage asks for the code.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session

    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in response.text

    response = client.post(
        "/accounts/2fa/authenticate/", {"code": current_code(editor.totp_secret)}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Back office" in response.text


def test_staff_without_an_authenticator_is_sent_to_set_one_up(client):
    staff = MemberFactory(is_staff=True)
    client.force_login(staff)
    for url in ("/admin/", "/admin/accounts/user/", "/admin/login/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[0] == ("/accounts/2fa/totp/activate/", 302), url
        assert response.status_code == 200
        assert "needs two-factor authentication" in response.text
    # Their other pages are untouched.
    assert client.get("/accounts/profile/").status_code == 200


def test_superuser_without_an_authenticator_is_sent_to_set_one_up(client):
    boss = MemberFactory(is_staff=True, is_superuser=True)
    client.force_login(boss)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_recovery_codes_alone_do_not_count(client):
    staff = MemberFactory(is_staff=True)
    Authenticator.objects.create(
        user=staff, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x", "used_mask": 0}
    )
    client.force_login(staff)
    assert client.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"


def test_members_cannot_enter_the_admin(client, member):
    client.force_login(member)
    assert client.get("/admin/login/").status_code == 403
    response = client.get("/admin/")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 403


def test_the_editor_fixture_is_ready_for_admin_tests(client, editor):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


def test_demo_editor_has_a_totp_authenticator_and_totp_code_prints_it(client, capsys, settings):
    output = demo.load(log=print)
    assert demo.EDITOR_TOTP_SECRET in output
    assert "manage.py totp_code editor" in output
    demo.load(log=lambda line: None)
    assert Authenticator.objects.filter(user__username="editor").count() == 1

    settings.DEBUG = True
    capsys.readouterr()
    call_command("totp_code", "editor")
    code = capsys.readouterr().out.strip()
    assert code == current_code(demo.EDITOR_TOTP_SECRET)

    client.post(
        "/accounts/login/?next=/admin/",
        {"login": demo.EDITOR_USERNAME, "password": demo.EDITOR_PASSWORD},
    )
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_totp_code_refuses_to_run_in_production(settings, editor):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("totp_code", editor.username)
