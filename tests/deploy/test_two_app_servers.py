"""Two app servers, one PostgreSQL, one Redis: what is written through one is read through the
other on the next request, and no page shows a vote count from before the vote.

Two real gunicorns (production-like settings, DJANGO_SECURE_SSL_REDIRECT=0)
share a throwaway PostgreSQL database and a private redis-server (the
`redis_server` fixture: nothing in a shared Redis is read, written or flushed).
The member's session is minted in the database, as a login would leave it.
Skips where PostgreSQL, redis-server or gunicorn are missing; fails under CI.
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests import servers

pytestmark = pytest.mark.postgres

SETUP = """
import json
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from django.utils import timezone

from accounts.models import User
from collabs import services

rose = services.artist_create(name="Rosé", country="KR")
bruno = services.artist_create(name="Bruno Mars", country="US")
collab = services.collab_create(
    title="APT.",
    release_date=date(2024, 10, 18),
    credits=[
        services.CreditSpec(artist=rose, join_phrase=" & "),
        services.CreditSpec(artist=bruno),
    ],
)
fan = User.objects.create_user(
    "fan", "fan@example.com", "unused", date_joined=timezone.now() - timedelta(days=2)
)
EmailAddress.objects.create(user=fan, email=fan.email, verified=True, primary=True)
session = SessionStore()
session[SESSION_KEY] = str(fan.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = fan.get_session_auth_hash()
session.create()
print(json.dumps({"slug": collab.slug, "session": session.session_key}))
"""


@pytest.fixture
def two_servers(redis_server, tmp_path):
    with servers.throwaway_database("two_servers") as database:
        env = servers.production_env(database, tmp_path, redis_url=redis_server.url)
        servers.manage(env, "migrate", "--noinput", "-v", "0")
        servers.manage(env, "collectstatic", "--noinput", "-v", "0")
        made = json.loads(servers.manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
        with (
            servers.gunicorn(env, tmp_path / "a.log", workers=2) as a,
            servers.gunicorn(env, tmp_path / "b.log", workers=2) as b,
        ):
            yield a, b, made


class Browser:
    """Just enough of one: the member's session cookie and a CSRF token for POSTs."""

    def __init__(self, session_key: str = ""):
        self.csrf = secrets.token_hex(16)  # an unmasked 32-character secret
        self.cookie = f"csrftoken={self.csrf}"
        if session_key:
            self.cookie += f"; sessionid={session_key}"

    def get(self, url: str) -> str:
        request = urllib.request.Request(url, headers={"Cookie": self.cookie})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200, url
            return response.read().decode()

    def post(self, url: str, data: dict, **headers) -> tuple[int, str]:
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Cookie": self.cookie, "X-CSRFToken": self.csrf, **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def detail_count(html: str) -> int:
    return int(re.search(r'class="vote-count"[^>]*><strong>(\d+)</strong>', html).group(1))


def ranking_count(html: str) -> int:
    return int(re.search(r'class="ranking-votes"><strong>(\d+)</strong>', html).group(1))


def card_count(html: str) -> int:
    return int(re.search(r'class="stat stat-votes"[^>]*>.*?</span> (\d+)<', html).group(1))


def test_a_vote_and_a_comment_through_one_server_show_through_the_other(two_servers):
    a, b, made = two_servers
    page = f"/collabs/{made['slug']}/"
    visitor, fan = Browser(), Browser(made["session"])

    # Pages as B serves them before the vote, to visitors and to the member.
    assert detail_count(visitor.get(b + page)) == 0
    assert detail_count(fan.get(b + page)) == 0
    assert ranking_count(visitor.get(f"{b}/top/")) == 0
    assert card_count(visitor.get(f"{b}/collabs/")) == 0

    status, partial = fan.post(f"{a}{page}vote/", {}, HX_Request="true")
    assert status == 200, partial
    assert detail_count(partial) == 1

    # The very next request through B: the new count everywhere, nothing stale.
    assert detail_count(visitor.get(b + page)) == 1
    member_view = fan.get(b + page)
    assert detail_count(member_view) == 1 and "including yours" in member_view
    assert ranking_count(visitor.get(f"{b}/top/")) == 1
    assert card_count(visitor.get(f"{b}/collabs/")) == 1
    assert detail_count(visitor.get(a + page)) == 1

    # Taking the vote back through B shows through A at once.
    status, partial = fan.post(f"{b}{page}vote/", {}, HX_Request="true")
    assert status == 200 and detail_count(partial) == 0
    assert detail_count(visitor.get(a + page)) == 0

    # A comment posted through A is on the page through B.
    thread_id = re.search(r'action="/comments/thread/(\d+)/post/"', member_view).group(1)
    status, _ = fan.post(f"{a}/comments/thread/{thread_id}/post/", {"body": "Posted via A"})
    assert status == 200  # urllib followed the redirect back to the page
    assert "Posted via A" in visitor.get(b + page)
    assert "Posted via A" in fan.get(b + page)
