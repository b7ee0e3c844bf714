"""The seed article: the story the site grew from, published by the demo editor.

Runs last (after accounts.demo and collabs.demo). Idempotent: once the article exists it
is left alone, so an editor's changes survive another `demo_data`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from accounts.demo import EDITOR_USERNAME, demo_start
from accounts.models import User
from articles import services
from articles.models import Article, ArticleStatus
from collabs.models import Collab
from comments.demo import add_demo_comments

SEED_SLUG = "k-pop-stars-driving-worldwide-collaborations"
SEED_TITLE = "BTS, Blackpink And Other K-Pop Stars Driving The Rise Of Worldwide Collaborations"
SEED_STANDFIRST = (
    "From Jisoo and Zayn’s “Eyes Closed” to Rosé and Bruno Mars’ “APT.”: how K-pop stars "
    "have been driving the rise of worldwide collaborations, and why this era feels different."
)
SEED_PUBLISHED_AT = datetime(2025, 10, 24, 9, 0, tzinfo=UTC)
# Every collab the article mentions, in the order it mentions them.
SEED_COLLABS = [
    "eyes-closed",
    "apt",
    "5-4-3-pretty-woman",
    "killin-it-girl",
    "like-money",
    "best-of-me",
    "mic-drop-steve-aoki-remix",
    "waste-it-on-me",
    "sour-candy",
    "ice-cream",
    "lose-my-breath",
]


def seed_body() -> str:
    return (Path(__file__).with_name("demo_seed.md")).read_text(encoding="utf-8")


# The article ends "Comment below with your favorite K-pop crossover collab!": fans do.
SEED_CONVERSATION = [
    # (author, body, index of the comment replied to or None, hours before the demo's start)
    ("popfan_lena", "**APT.**, no contest. My whole office knows the chant now.", None, 330),
    (
        "zayn_and_jisoo",
        "Eyes Closed deserves more love. Jisoo and Zayn's voices just *fit*.",
        0,
        320,
    ),
    (
        "wondergirls_og",
        "Respect to Like Money: Wonder Girls with Akon in 2012 started all this.",
        None,
        300,
    ),
    (
        "army_jay",
        "@wondergirls_og true pioneers. Best of Me is still my number one though.",
        2,
        260,
    ),
    (
        "stay4life",
        "Lose My Breath with Charlie Puth! Stray Kids went global with that one.",
        None,
        200,
    ),
]


def seed_conversation(article: Article) -> None:
    add_demo_comments(article.thread, SEED_CONVERSATION, start=demo_start())


def load(*, log: Callable[[str], None]) -> None:
    existing = Article.objects.filter(slug=SEED_SLUG).select_related("thread").first()
    if existing is not None:
        seed_conversation(existing)
        log("Articles: the seed article is already there.")
        return
    collabs = {c.slug: c for c in Collab.objects.filter(slug__in=SEED_COLLABS)}
    article = services.article_create(
        title=SEED_TITLE,
        slug=SEED_SLUG,
        standfirst=SEED_STANDFIRST,
        body=seed_body(),
        author=User.objects.filter(username=EDITOR_USERNAME).first(),
        status=ArticleStatus.PUBLISHED,
        published_at=SEED_PUBLISHED_AT,
        featured=[collabs[slug] for slug in SEED_COLLABS if slug in collabs],
    )
    seed_conversation(article)
    log(f"Articles: published the seed article at {article.get_absolute_url()}")
