"""Site-level pages that belong to no single app: home, health check, robots.txt, media."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve

from articles.models import Article
from collabs.models import Collab, with_card_credits
from comments.models import Comment
from core.caching import cached_page, memo

logger = logging.getLogger(__name__)


@require_GET
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    def sections() -> dict:
        # The same for everyone (votes are holes); the cards' credits from the process.
        collabs = Collab.objects.published().for_list(credits=False)
        return {
            "trending": with_card_credits(list(collabs.trending()[:6])),
            "top10": with_card_credits(list(collabs.top()[:10])),
            "latest_comments": list(Comment.objects.visible().latest_for_home(6)),
            "featured_article": Article.objects.published().for_list().newest().first(),
        }

    # The same for everyone until a vote, a comment or an edit (core/caching.py); 60 s at
    # most, for the comments' "5 minutes ago".
    context = memo("home", sections, seconds=60)
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the cache both answer, 503 naming what does not."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("healthz: database check failed: %s", exc)
        problems.append("database unreachable")
    try:
        key, value = f"healthz:{uuid.uuid4().hex}", "ok"
        cache.set(key, value, 10)
        if cache.get(key) != value:
            problems.append("cache not answering")
        cache.delete(key)
    except Exception as exc:
        logger.warning("healthz: cache check failed: %s", exc)
        problems.append("cache unreachable")
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /notifications/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded media from the local disk, with their stored type (and nosniff, site-wide)."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError) as error:
        # A name too long for the file system, or with a NUL in it: no such file.
        raise Http404("No such file.") from error
