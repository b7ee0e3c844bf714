"""Usernames: one canonical form, safe characters, no look-alikes, one member per lookup.

Issue 12, item 1: sign-up accepted "edıtor" (dotless ı), and on PostgreSQL
upper('edıtor') = 'EDITOR', so the real member's username login and profile answered 500.
"""

from __future__ import annotations

import html

import pytest
from django.apps import apps as global_apps
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts import names
from accounts.models import User
from tests.conftest import PASSWORD
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

SIGNUP_PASSWORD = "a-Long-and-unusual-passphrase-42"


def sign_up(client, username: str, email: str = "lookalike@example.com"):
    return client.post(
        reverse("account_signup"),
        {
            "username": username,
            "email": email,
            "password1": SIGNUP_PASSWORD,
            "password2": SIGNUP_PASSWORD,
        },
    )


def log_in(client, login: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


@pytest.fixture
def idol_fan(db):
    return MemberFactory(username="idol_fan")


@pytest.mark.parametrize(
    "lookalike",
    [
        "ıdol_fan",  # dotless ı
        "іdol_fan",  # Cyrillic і
        "ｉｄｏｌ＿ｆａｎ",  # fullwidth: NFKC makes it idol_fan itself
        "IDOL_FAN",
        "idoI_fan",  # capital I for the l
        "id0l_fan",  # zero for the o
        "𝐢dol_fan",  # mathematical bold i
        "İdol_fan",  # Turkish dotted capital İ: folds to "i" + a dot above that draws nothing
        "i\u0307dol_fan",  # i + a combining dot above: the same "i" on screen
    ],
)
def test_a_lookalike_of_a_members_username_is_refused(client, idol_fan, lookalike):
    response = sign_up(client, lookalike)
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert (
        names.USERNAME_LOOKALIKE in page
        or names.USERNAME_TAKEN in page
        or ("Enter a valid username" in page)
    )
    assert User.objects.count() == 1
    # The real member still logs in by username, and their page answers.
    assert log_in(client, "idol_fan").status_code == 302
    assert client.get("/u/idol_fan/").status_code == 200


@pytest.mark.parametrize(
    "reserved",
    [
        "editor",
        "Editor",
        "edıtor",
        "ｅｄｉｔｏｒ",
        "еditor",
        "ℯditor",
        "administrator",
        "m0derator",
    ],
)
def test_reserved_names_and_their_lookalikes_are_refused(client, reserved):
    response = sign_up(client, reserved)
    assert response.status_code == 200
    assert "kept for the site and its staff" in response.text
    assert "Username can not be used" not in response.text
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "fan\u202enaj",  # right-to-left override
        "fan\u2066x",  # left-to-right isolate
        "fa\u200bn",  # zero-width space
        "fa\u200dn",  # zero-width joiner
        "fan\u3164",  # Hangul filler: a letter to Unicode, blank on screen
        "\ufefffan",  # byte order mark
    ],
)
def test_invisible_and_direction_changing_characters_are_refused(client, name):
    response = sign_up(client, name)
    assert response.status_code == 200
    assert "errorlist" in response.text or 'class="error' in response.text
    assert not User.objects.exists()


def test_unsafe_characters_are_named_in_the_message():
    with pytest.raises(Exception) as refused:
        names.check_username("fan\u202ename")
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in str(refused.value)


def test_a_fullwidth_name_is_stored_in_its_canonical_form(client):
    response = sign_up(client, "ｋｐｏｐｆａｎ")
    assert response.status_code == 302
    user = User.objects.get()
    assert user.username == "kpopfan"
    assert user.username_key == names.skeleton("kpopfan")


def test_non_latin_names_are_welcome(client):
    assert sign_up(client, "로제사랑").status_code == 302
    assert User.objects.get().username == "로제사랑"
    assert client.get("/u/로제사랑/").status_code == 200


def test_the_database_refuses_two_lookalikes(idol_fan):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="ıdol_fan", email="other@example.com")


def test_login_by_a_lookalike_spelling_finds_only_the_one_member(client, idol_fan):
    # Any spelling of the name finds one member at most: never two, never a 500.
    assert User.objects.get_by_natural_key("IDOL_FAN") == idol_fan
    assert User.objects.get_by_natural_key("ıdol_fan") == idol_fan
    assert log_in(client, "ıdol_fan", "wrong-password").status_code == 200


@pytest.mark.parametrize("spelling", ["IDOL_FAN", "ıdol_fan", "ｉｄｏｌ_ｆａｎ"])
def test_profile_urls_resolve_through_the_canonical_form(client, idol_fan, spelling):
    response = client.get(f"/u/{spelling}/")
    assert response.status_code == 301
    assert response["Location"] == "/u/idol_fan/"


@pytest.mark.parametrize(
    "path", ["/u/%00/", "/u/fan%E2%80%AE/", "/u/" + "x" * 10_000 + "/", "/u/%ED%A0%80/"]
)
def test_hostile_profile_paths_are_404_never_500(client, idol_fan, path):
    assert client.get(path).status_code == 404


@pytest.mark.postgres
def test_on_postgresql_the_dotless_i_no_longer_takes_the_account(client, idol_fan):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): upper('ı') = 'I' there only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT upper(%s) = upper(%s)", ["ıdol_fan", "idol_fan"])
        assert cursor.fetchone()[0], "the hazard this test guards against"
    assert sign_up(client, "ıdol_fan").status_code == 200
    assert User.objects.count() == 1
    assert log_in(client, "idol_fan").status_code == 302
    client.post(reverse("account_logout"))
    assert client.get("/u/idol_fan/").status_code == 200
    assert client.get("/u/ıdol_fan/").status_code == 301


def test_the_admin_applies_the_same_rule(admin_client, idol_fan):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "ıdol_fan",
            "password1": SIGNUP_PASSWORD,
            "password2": SIGNUP_PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert names.USERNAME_LOOKALIKE in html.unescape(response.text)
    assert User.objects.filter(username_key=names.skeleton("idol_fan")).count() == 1


# The data migration --------------------------------------------------------------------


def test_the_migration_keeps_the_oldest_and_renames_newer_lookalikes(idol_fan):
    from importlib import import_module

    migration = import_module("accounts.migrations.0002_username_key")
    newer = MemberFactory(username="someone")
    fullwidth = MemberFactory(username="another")
    # Rows as they could be before the key existed (written around User.save()).
    User.objects.filter(pk=newer.pk).update(username="ıdol_fan", username_key="legacy-1")
    User.objects.filter(pk=fullwidth.pk).update(username="ｆａｎ２", username_key="legacy-2")
    User.objects.filter(pk=idol_fan.pk).update(
        username_key="legacy-0", display_name="Idol\nFan\u202e"
    )

    class Editor:
        connection = connection

    migration.fill_username_keys(global_apps, Editor())
    migration.clean_display_names(global_apps, Editor())

    idol_fan.refresh_from_db()
    newer.refresh_from_db()
    fullwidth.refresh_from_db()
    assert idol_fan.username == "idol_fan"
    assert newer.username == f"ıdol_fan-{newer.pk}"
    assert fullwidth.username == "fan2"
    keys = [u.username_key for u in (idol_fan, newer, fullwidth)]
    assert keys == [names.skeleton(u.username) for u in (idol_fan, newer, fullwidth)]
    # Display names lose the characters that may no longer appear in them.
    assert idol_fan.display_name == "Idol Fan"
    assert client_sees_one(newer)


def test_the_recomputing_migration_renames_a_newer_dotted_i_lookalike(idol_fan):
    from importlib import import_module

    migration = import_module("accounts.migrations.0004_recompute_username_keys")
    newer = MemberFactory(username="someone")
    # Stored before a dot above on an i counted as nothing: a key of its own. ("İdol_fan"
    # itself could not be stored on PostgreSQL, whose lower() makes it "idol_fan".)
    User.objects.filter(pk=newer.pk).update(username="i\u0307dol_fan", username_key="stale")

    class Editor:
        connection = connection

    migration.fill_username_keys(global_apps, Editor())

    newer.refresh_from_db()
    assert newer.username == f"i\u0307dol_fan-{newer.pk}"
    assert User.objects.by_username("idol_fan").get() == idol_fan
    assert client_sees_one(newer)


def client_sees_one(member) -> bool:
    return User.objects.by_username(member.username).get() == member


@pytest.mark.parametrize("hostile", ["\x00fan", "fan\x00", "a" * 10_000, "fan\x1b[31m", " ", ""])
def test_hostile_usernames_are_refused_never_500(client, idol_fan, hostile):
    assert sign_up(client, hostile).status_code == 200
    assert User.objects.count() == 1
    response = log_in(client, hostile)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_refresh_username_keys_rebuilds_stale_keys(idol_fan, capsys):
    from django.core.management import call_command

    User.objects.filter(pk=idol_fan.pk).update(username_key="stale")
    call_command("refresh_username_keys")
    assert "1 of 1 keys changed" in capsys.readouterr().out
    idol_fan.refresh_from_db()
    assert idol_fan.username_key == names.skeleton("idol_fan")
