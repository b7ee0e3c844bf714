"""One setting names the site (SITE_NAME) and one gives its address (SITE_URL): emails,
the sitemap, the feed and the sites framework's Site row all follow them, whichever host
name a request came in on. Development mail is printed readably."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.urls import reverse

from core.mail import ReadableConsoleBackend
from core.sites import site_sync
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

SITE = "https://crossover.example"
PASSWORD = "a-Long-and-unusual-passphrase-42"


@pytest.fixture
def on_site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "other-host.example"]
    return settings


def links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_confirmation_email_names_the_site_and_links_on_site_url(client, on_site):
    response = client.post(
        reverse("account_signup"),
        {
            "username": "newfan",
            "email": "newfan@fans.test",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_HOST="other-host.example",
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    text = message.subject + "\n" + message.body
    assert message.subject.startswith("[Crossover] ")
    assert "Hello from Crossover!" in message.body
    assert "Thank you for using Crossover!" in message.body
    assert "crossover.example" in message.body  # the site's domain, after its name
    assert "example.com" not in text
    assert "other-host.example" not in text and "testserver" not in text
    (link,) = links(message.body)
    assert link.startswith(f"{SITE}/accounts/confirm-email/")
    # The link works: it is this site's confirmation page.
    path = link.removeprefix(SITE)
    assert client.get(path).status_code == 200


def test_password_reset_email_names_the_site_and_links_on_site_url(client, on_site):
    member = MemberFactory(email="fan@fans.test")
    client.post("/accounts/password/reset/", {"email": member.email}, HTTP_HOST="127.0.0.1")
    (message,) = mail.outbox
    assert "Hello from Crossover!" in message.body
    assert "Thank you for using Crossover!" in message.body
    assert "example.com" not in message.subject + message.body
    (link,) = links(message.body)
    assert link.startswith(f"{SITE}/accounts/password/reset/key/")
    assert "127.0.0.1" not in message.body


def test_unknown_address_reset_email_links_on_site_url(client, on_site):
    client.post("/accounts/password/reset/", {"email": "stranger@fans.test"})
    (message,) = mail.outbox
    assert "example.com" not in message.body
    assert links(message.body) and all(link.startswith(f"{SITE}/") for link in links(message.body))


def test_sitemap_and_feed_are_on_site_url(client, people, on_site):
    sitemap = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert f"{SITE}/" in locations
    assert f"{SITE}{people.collab.get_absolute_url()}" in locations
    assert all(location.startswith(f"{SITE}/") for location in locations)

    feed = client.get("/articles/feed/").content.decode()
    assert f'href="{SITE}{people.article.get_absolute_url()}"' in feed
    assert "127.0.0.1" not in feed and "example.com" not in feed


def test_the_site_row_follows_the_settings(settings):
    # The sites framework's default row, as after a flush: every migrate puts it right.
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    call_command("migrate", verbosity=0)
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.name, site.domain) == ("Crossover", "127.0.0.1:8000")

    settings.SITE_URL, settings.SITE_NAME = SITE, "Crossover (staging)"
    assert site_sync() is True
    assert site_sync() is False  # nothing left to change
    site = Site.objects.get_current()
    assert (site.name, site.domain) == ("Crossover (staging)", "crossover.example")


@pytest.mark.parametrize(
    "site_url",
    ["crossover.example", "https://crossover.example\nX-Evil: 1", "https://cross over.example"],
    ids=["no-scheme", "newline-inside", "space-inside"],
)
def test_a_bad_site_url_is_refused_at_start_up(site_url):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env={"SITE_URL": site_url, "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SITE_URL must be an http(s) address" in result.stderr


def test_a_site_url_from_a_crlf_env_file_loses_its_line_end():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(repr(s.SITE_URL))"],
        env={"SITE_URL": "https://crossover.example/\r", "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "'https://crossover.example'"


def test_development_mail_prints_the_link_whole():
    link = "http://127.0.0.1:8000/accounts/confirm-email/" + "Mg:1vQx" * 12 + "=/"
    message = EmailMultiAlternatives(
        subject="[Crossover] Please Confirm Your Email Address",
        body=f"Hello from Crossover!\n\nTo confirm this is correct, go to {link}\n",
        from_email="Crossover <no-reply@crossover.localhost>",
        to=["newfan@fans.test"],
    )
    message.attach_alternative(f'<a href="{link}">Confirm</a>', "text/html")
    stream = io.StringIO()
    ReadableConsoleBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()

    assert f"go to {link}\n" in printed
    assert "=\n" not in printed and "=3D" not in printed
    assert "Subject: [Crossover] Please Confirm Your Email Address" in printed
    assert "To: newfan@fans.test" in printed


def test_development_prints_a_real_confirmation_readably(client, settings, capsys):
    settings.MAILERS = {"default": {"BACKEND": "core.mail.ReadableConsoleBackend"}}
    client.post(
        reverse("account_signup"),
        {
            "username": "newfan",
            "email": "newfan@fans.test",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    printed = capsys.readouterr().out
    (link,) = re.findall(r"http://127\.0\.0\.1:8000/accounts/confirm-email/\S+/", printed)
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_demo_data_points_the_site_row_at_site_url(settings):
    Site.objects.filter(pk=settings.SITE_ID).update(domain="example.com", name="example.com")
    Site.objects.clear_cache()
    call_command("demo_data", stdout=io.StringIO())
    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.name, site.domain) == ("Crossover", "127.0.0.1:8000")


@pytest.mark.parametrize(
    ("environment", "arguments", "expected"),
    [
        ({}, [], "http://127.0.0.1:8000"),
        ({}, ["HOST=192.168.1.20", "PORT=9000"], "http://192.168.1.20:9000"),
        ({"SITE_URL": "https://crossover.example"}, ["PORT=9000"], "https://crossover.example"),
    ],
)
def test_make_run_sets_site_url_to_where_it_listens(tmp_path, environment, arguments, expected):
    """`make run` gives migrate, demo_data and runserver the SITE_URL where it listens (a
    stand-in python prints what each command received)."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    root = Path(__file__).resolve().parents[2]
    python = tmp_path / "python"
    python.write_text('#!/bin/sh\necho "$2 SITE_URL=$SITE_URL"\n')
    python.chmod(0o755)
    (tmp_path / ".installed").touch()  # newer than the lock file: nothing to install
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | environment
    result = subprocess.run(
        ["make", "-s", "-C", str(root), "run", f"BIN={tmp_path}", *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    assert len(printed) == 3, printed
    assert all(line.endswith(f" SITE_URL={expected}") for line in printed), printed
