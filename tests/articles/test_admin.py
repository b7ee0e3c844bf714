"""The editors' back office: what an editor can do, what they can't, and what it changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleStatus
from collabs.models import Collab, CollabStatus
from collabs.services import CreditSpec, artist_create, collab_credits_set, collab_nominate
from tests.articles.conftest import make_article
from tests.images import bad_uploads, stored_files, valid_upload

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
CHANGELIST = reverse("admin:articles_article_changelist")


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def article_form(editor, **overrides) -> dict:
    now = timezone.now()
    data = {
        "title": "Stray Kids and Charlie Puth",
        "slug": "stray-kids-and-charlie-puth",
        "standfirst": "How Lose My Breath came together.",
        "body": "## The song\n\nIt **works**.",
        "hero_alt": "",
        "author": editor.pk,
        "status": ArticleStatus.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "features-TOTAL_FORMS": "0",
        "features-INITIAL_FORMS": "0",
        "features-MIN_NUM_FORMS": "0",
        "features-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(overrides)
    if data["status"] == ArticleStatus.PUBLISHED and not data["published_at_0"]:
        data["published_at_0"], data["published_at_1"] = now.strftime("%Y-%m-%d"), "00:00:00"
    return data


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_an_editor_is_staff_in_the_group_and_not_a_superuser(editor):
    assert editor.is_staff and not editor.is_superuser
    assert editor.has_perm("articles.add_article") and editor.has_perm("collabs.change_collab")
    assert not editor.has_perm("accounts.change_user")


def test_an_editor_writes_a_draft_with_featured_collabs(editor_client, editor, apt):
    assert editor_client.get(ADD).status_code == 200
    data = article_form(
        editor,
        **{
            "features-TOTAL_FORMS": "1",
            "features-0-position": "0",
            "features-0-collab": str(apt.pk),
        },
    )
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="stray-kids-and-charlie-puth")
    assert article.status == ArticleStatus.DRAFT and article.author == editor
    assert article.body_html == "<h2>The song</h2>\n<p>It <strong>works</strong>.</p>\n"
    assert [f.collab for f in article.features.all()] == [apt]
    assert article.thread_id is not None


def test_the_add_form_defaults_the_author_to_the_editor(editor_client, editor):
    form = editor_client.get(ADD).context["adminform"].form
    assert form.initial["author"] == editor.pk


def test_an_editor_edits_and_publishes_then_unpublishes(editor_client, editor, client):
    article = make_article("Old title", state="draft", author=editor)
    response = editor_client.post(
        change_url(article),
        article_form(editor, title="New title", slug=article.slug, status=ArticleStatus.DRAFT),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "New title"

    editor_client.post(
        CHANGELIST, {"action": "publish_now", "_selected_action": [article.pk]}, follow=True
    )
    assert Article.objects.published().filter(pk=article.pk).exists()
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 200

    editor_client.force_login(editor)
    editor_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [article.pk]})
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_republishing_keeps_the_original_publish_date(editor_client, time_machine):
    """Unpublish (to fix something), publish again: the article keeps its date and its
    place in the list and the feed; only a draft that never went out gets "now"."""
    time_machine.move_to("2025-03-01 09:00Z", tick=False)
    article = make_article("Out in March")
    first = Article.objects.get(pk=article.pk).published_at
    newer = make_article("Out later", published_at=timezone.now() + timedelta(days=3))
    never = make_article("Never out", state="draft")
    visitor = Client()

    time_machine.move_to("2025-04-01 09:00Z", tick=False)
    editor_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [article.pk]})
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT
    assert visitor.get(article.get_absolute_url()).status_code == 404

    response = editor_client.post(
        CHANGELIST,
        {"action": "publish_now", "_selected_action": [article.pk, never.pk]},
        follow=True,
    )
    assert "2 article(s) published." in response.text
    article.refresh_from_db()
    never.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at == first
    assert never.published_at == timezone.now()
    # The list still shows it below the article that came out after it, with its March date.
    page = visitor.get(reverse("articles:list")).text
    assert page.index("Never out") < page.index("Out later") < page.index("Out in March")
    assert "1 March 2025" in page
    assert newer.pk


def test_the_changelist_filters_and_searches(editor_client):
    make_article("Draft about Rosé", state="draft")
    make_article("Published about Jisoo")
    response = editor_client.get(CHANGELIST, {"status__exact": "draft"})
    assert [a.title for a in response.context["cl"].result_list] == ["Draft about Rosé"]
    response = editor_client.get(CHANGELIST, {"q": "jisoo"})
    assert [a.title for a in response.context["cl"].result_list] == ["Published about Jisoo"]
    assert "Scheduled" not in response.content.decode()


def test_view_on_site_goes_to_the_public_url(editor_client):
    article = make_article("Draft", state="draft")
    html = editor_client.get(change_url(article)).content.decode()
    assert f'href="{article.get_absolute_url()}"' in html
    assert "View on site" in html


def test_an_editor_gets_403_on_the_user_admin(editor_client):
    assert editor_client.get("/admin/accounts/user/").status_code == 403


def test_a_member_cannot_enter_the_admin(member_client):
    response = member_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert member_client.get(ADD).status_code == 302


def test_an_editor_curates_a_collab_with_credits(editor_client, rose_and_bruno, client):
    rose, bruno = rose_and_bruno
    data = {
        "title": "Number One Girl",
        "slug": "number-one-girl",
        "release_date": "2024-10-18",
        "status": CollabStatus.PUBLISHED,
        "description": "",
        "nominated_artists": "",
        "nomination_note": "",
        "credits-TOTAL_FORMS": "2",
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
        "credits-0-position": "0",
        "credits-0-artist": str(rose.pk),
        "credits-0-join_phrase": " & ",
        "credits-0-role": "lead",
        "credits-1-position": "1",
        "credits-1-artist": str(bruno.pk),
        "credits-1-role": "lead",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
    }
    response = editor_client.post(reverse("admin:collabs_collab_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    collab = Collab.objects.get(slug="number-one-girl")
    assert collab.credit_line == "Rosé & Bruno Mars"
    assert client.get(collab.get_absolute_url()).status_code == 200
    change = editor_client.get(reverse("admin:collabs_collab_change", args=[collab.pk]))
    assert change.status_code == 200
    assert "vote_count" not in change.context["adminform"].form.fields  # read-only


@pytest.mark.parametrize(("action", "visible"), [("approve", True), ("reject", False)])
def test_nomination_decisions_change_what_the_public_sees_and_tell_the_member(
    editor_client, member, client, mailoutbox, django_capture_on_commit_callbacks, action, visible
):
    collab = collab_nominate(
        user=member,
        title="Seven",
        artists="Jung Kook feat. Latto",
        release_date=date(2023, 7, 14),
        link="https://example.com/seven",
    )
    assert client.get(collab.get_absolute_url()).status_code == 404
    # The editor adds the credits the member typed (approval needs them).
    collab_credits_set(
        collab=collab,
        credits=[CreditSpec(artist=artist_create(name="Jung Kook", country="KR"))],
    )
    changelist = reverse("admin:collabs_collab_changelist")
    queue = editor_client.get(changelist, {"nominations": "waiting"})
    assert [c.title for c in queue.context["cl"].result_list] == ["Seven"]

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:collabs_collab_changelist"),
            {"action": action, "_selected_action": [collab.pk]},
        )
    assert (client.get(collab.get_absolute_url()).status_code == 200) is visible
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [member.email]
    assert "Seven" in mailoutbox[0].subject


def test_artist_and_genre_admins_search(editor_client, rose_and_bruno):
    response = editor_client.get(reverse("admin:collabs_artist_changelist"), {"q": "로제"})
    assert [a.name for a in response.context["cl"].result_list] == ["Rosé"]
    genres = reverse("admin:collabs_genre_changelist")
    assert editor_client.get(genres, {"q": "pop"}).status_code == 200


def test_the_collab_autocomplete_works_for_editors(editor_client, apt):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "apt",
            "app_label": "articles",
            "model_name": "featuredcollab",
            "field_name": "collab",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(apt.pk)]


# Hero images -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(bad_uploads()))
def test_bad_hero_images_are_refused_with_a_message_and_nothing_stored(
    editor_client, editor, settings, kind
):
    upload = bad_uploads()[kind]
    data = article_form(editor, hero_alt="Something", hero_upload=upload)
    response = editor_client.post(ADD, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "hero_upload" in errors and errors["hero_upload"][0]
    assert not Article.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_hero_without_alt_text_is_refused_with_a_message(editor_client, editor, settings):
    response = editor_client.post(ADD, article_form(editor, hero_upload=valid_upload()))
    assert response.status_code == 200
    assert "alt text" in response.context["adminform"].form.errors["hero_alt"][0]
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_valid_hero_is_stored_and_previewed(editor_client, editor, settings, client):
    data = article_form(
        editor,
        status=ArticleStatus.PUBLISHED,
        hero_alt="Rosé and Bruno Mars on stage",
        hero_upload=valid_upload("JPEG", size=(1600, 1000), exif=True),
    )
    assert editor_client.post(ADD, data).status_code == 302
    article = Article.objects.get()
    assert len(stored_files(settings.MEDIA_ROOT)) == 3
    assert b"SpyCam" not in article.hero.read()
    html = editor_client.get(change_url(article)).content.decode()
    assert article.hero_list.url in html
    public = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="Rosé and Bruno Mars on stage"' in public
    image = f"http://127.0.0.1:8000{article.hero_detail.url}"
    assert f'<meta property="og:image" content="{image}">' in public


def test_the_admin_uses_the_crossover_stylesheet(editor_client):
    html = editor_client.get("/admin/").content.decode()
    assert "css/admin.css" in html and "Crossover editors" in html
    assert "style=" not in html.split("<body")[1].split("</header>")[0]
