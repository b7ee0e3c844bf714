"""Article pages (list and detail, with editors' previews) and the site-wide search page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from articles.models import Article
from articles.search import site_search
from comments import discussion
from comments.discussion import discussion_context
from core.caching import cached_page
from core.pagination import page_of

PAGE_SIZE = 10


@require_GET
@cached_page(reads=["page"])
def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published().for_list().newest()
    page = page_of(articles, request.GET.get("page"), per_page=PAGE_SIZE)
    return render(request, "articles/list.html", {"page": page})


@require_GET
@cached_page(reads=discussion.QUERY_PARAMS)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Visitors see published articles only; editors also preview drafts and scheduled ones."""
    articles = Article.objects.visible_to(request.user).for_detail()
    article = get_object_or_404(articles, slug=slug)
    context = {
        "article": article,
        "preview": not article.is_public,
        **discussion_context(request, article.thread),
    }
    response = render(request, "articles/detail.html", context)
    if context["preview"]:
        # A preview must never be cached or indexed, wherever the link ends up.
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    results = site_search(request.GET.get("q"), user=request.user)
    return render(request, "search.html", {"results": results})
