"""Catalogue, collab and artist pages, voting, leaderboards and nominations."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import cache as once
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url
from django_htmx.middleware import HtmxDetails

from accounts.access import is_verified, remember_verified, verified_member_required
from collabs import network, rise, services
from collabs.forms import SORTS, CatalogueForm, NominationForm
from collabs.models import (
    Artist,
    Collab,
    CollabStatus,
    Genre,
    Vote,
    collaborators_of,
    with_card_credits,
)
from comments import discussion
from comments.discussion import discussion_context
from core.caching import cached_page, memo
from core.limits import wait_text
from core.pagination import page_of
from core.ratelimit import RateLimited, RateLimitUnavailable

PAGE_SIZE = 12
# How many artists the catalogue's artist filter lists (the most credited): enough to
# pick a star from, few enough for a phone and a small page with thousands of artists.
FILTER_ARTISTS = 50


class HtmxHttpRequest(HttpRequest):
    """For typing: django-htmx's middleware adds `.htmx`."""

    htmx: HtmxDetails


def _wants_partial(request: HtmxHttpRequest) -> bool:
    return (
        bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request
    )


def _render(request: HtmxHttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    """The full page, or only `partial` of it for an htmx request; cached per kind."""
    if _wants_partial(request):
        template = f"{template}#{partial}"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _release_years() -> list[int]:
    return memo("release-years", Collab.objects.published().release_years)


def _filter_choices(artist: str) -> tuple[list, list]:
    """(genres, artists) as (slug, name): every genre, and the FILTER_ARTISTS artists with
    the most published collabs plus the one `artist` asks for, by name. The same for
    everyone asking for that artist until a collab, credit, artist or genre changes."""

    def produce() -> tuple[list, list]:
        genres = list(Genre.objects.values_list("slug", "name"))
        artists = Artist.objects.catalogue_choices(top=FILTER_ARTISTS, wanted=artist)
        return genres, sorted(artists.values_list("slug", "name"), key=lambda a: a[1].casefold())

    # Hashed: what was typed into the URL may be long, or not fit for a cache key.
    asked = hashlib.sha256(artist.encode()).hexdigest()[:32] if artist else ""
    return memo(f"catalogue-choices:{asked}", produce)


@require_GET
@cached_page(reads=[*CatalogueForm.base_fields, "page"])
def collab_list(request: HtmxHttpRequest) -> HttpResponse:
    asked = CatalogueForm.artist_lookup(request.GET.get("artist", ""))
    genres, artists, years = *_filter_choices(asked), _release_years()
    form = CatalogueForm(request.GET, years=years, genres=genres, artists=artists)
    filters = form.filters()
    collabs = Collab.objects.published().catalogue(**filters)
    collabs = collabs.for_list(credits=False)
    shown = {k: v for k, v in filters.items() if v and not (k == "sort" and v == "top")}
    # The total is kept until a collab or credit changes (votes leave it): with the
    # crossover filter it costs a country count per collab (~50 ms at 10,000 collabs).
    matching = sorted((k, v) for k, v in shown.items() if k != "sort")
    page = page_of(
        collabs,
        request.GET.get("page"),
        per_page=PAGE_SIZE,
        count=lambda: memo(f"catalogue-count:{urlencode(matching)}", collabs.count),
    )
    page.object_list = with_card_credits(list(page.object_list))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "sort_label": SORTS[filters["sort"]],
        "query": urlencode({k: (1 if v is True else v) for k, v in shown.items()}),
        "is_filtered": any(k != "sort" for k in shown),
        "filter_notes": form.notes(artist=_wants_partial(request)),
        # The filters' HTML is the same for the same query and choices: rendered once per
        # process ({% cache %} in collabs/list.html); ~300 options cost ~8 ms a render.
        "form_key": hashlib.sha256(
            repr(
                [[k, v] for k, v in sorted(request.GET.lists()) if k != "page"]
                + [years, genres, artists]
            ).encode()
        ).hexdigest(),
    }
    response = _render(request, "collabs/list.html", "results", context)
    if _wants_partial(request):
        # Push the canonical URL (no empty or invalid fields) rather than the raw form.
        params = "&".join(
            filter(None, [context["query"], f"page={page.number}" * (page.number > 1)])
        )
        push_url(response, f"{request.path}?{params}" if params else request.path)
    return response


@require_GET
@cached_page(reads=discussion.QUERY_PARAMS)
def collab_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    # Kept with the versions of what they read (memo), until the collab, its credits,
    # artists, genres or links change; its counts, and the member's own vote, are holes.
    published = Collab.objects.published()
    collab = memo(f"collab:{slug}", lambda: get_object_or_404(published.for_detail(), slug=slug))
    # Finding the related collabs scans every credit of the artists and their groups
    # (~9 ms at scale): they are kept too (newest first, an order no vote changes).
    related = memo(
        f"related:{collab.pk}", lambda: list(published.related_to(collab).latest().for_list()[:4])
    )
    context = {
        "collab": collab,
        "related": related,
        **discussion_context(request, collab.thread),
    }
    return render(request, "collabs/detail.html", context)


@once
def _vote_target_sql() -> str:
    # Written out: the vote is the busiest write, and the ORM spent longer compiling its
    # reads than the database answering them.
    return f"""
        SELECT c.id, c.vote_count,
          EXISTS(SELECT 1 FROM {Vote._meta.db_table} v
            WHERE v.collab_id = c.id AND v.user_id = %s),
          EXISTS(SELECT 1 FROM {EmailAddress._meta.db_table} e
            WHERE e.user_id = %s AND e.verified = %s)
        FROM {Collab._meta.db_table} c WHERE c.slug = %s AND c.status = %s
    """


def _vote_target(user, slug: str) -> Collab | None:
    """The published collab as the vote button needs it (pk, slug, count, has_voted), or
    None; and, for verified_member_required, whether the member's email is verified
    (when there is no such collab, the gate asks for itself)."""
    with connection.cursor() as cursor:
        params = [user.pk, user.pk, True, slug, CollabStatus.PUBLISHED]
        cursor.execute(_vote_target_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    pk, vote_count, voted, verified = row
    remember_verified(user, verified)
    collab = Collab(pk=pk, slug=slug, vote_count=vote_count)
    collab.has_voted = bool(voted)
    return collab


@require_POST
def vote(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        remember_vote(request, slug)
        return _vote(request, None)  # the gate sends the visitor to log in, and back
    # One query finds the collab, the member's vote and the email check the gate needs.
    return _vote(request, _vote_target(request.user, slug))


# A visitor's Vote click, kept for the login it leads to --------------------------
#
# A visitor who clicks Vote is sent to log in and brought back to the page; the vote
# they asked for is cast by the login itself. Both steps are POSTs that pass the CSRF
# check: the click stores the collab in the visitor's session, and the login (Django's
# user_logged_in signal, connected in collabs/apps.py, as no view of ours handles it)
# casts it. No GET casts a vote, and no other site can plant one: it would need the
# visitor's CSRF token for the first step. A click left unanswered for
# REMEMBERED_VOTE_FOR is forgotten.
REMEMBERED_VOTE = "collabs:vote-after-login"
REMEMBERED_VOTE_FOR = timedelta(minutes=30)


def remember_vote(request: HttpRequest, slug: str) -> None:
    request.session[REMEMBERED_VOTE] = {"slug": slug[:200], "at": timezone.now().timestamp()}


def cast_remembered_vote(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """On login: cast the vote its visitor clicked (see above), and say so."""
    session = getattr(request, "session", None)
    wanted = session.pop(REMEMBERED_VOTE, None) if session is not None else None
    if not isinstance(wanted, dict) or not is_verified(user):
        return
    age = timezone.now().timestamp() - float(wanted.get("at", 0))
    collab = Collab.objects.published().filter(slug=str(wanted.get("slug", ""))).first()
    if collab is None or not 0 <= age <= REMEMBERED_VOTE_FOR.total_seconds():
        return
    try:
        result = services.vote_after_login(user=user, collab=collab)
    except (RateLimited, RateLimitUnavailable) as refused:
        reason = getattr(refused, "message", "") or "try again in a moment."
        messages.warning(request, f"Your vote for “{collab.title}” wasn't counted: {reason}")
        return
    if result.changed:
        messages.success(request, f"You're logged in, and your vote for “{collab.title}” is in.")
    else:
        messages.info(request, f"Your vote for “{collab.title}” was already counted.")


@verified_member_required
def _vote(request: HtmxHttpRequest, collab: Collab | None) -> HttpResponse:
    if collab is None:
        raise Http404("No such collab.")
    try:
        result = services.vote_toggle(user=request.user, collab=collab)
    except RateLimited as refused:
        if not request.htmx:
            raise  # core.middleware answers with the 429 page
        # In place: the button as it stands, with the reason and when to try again.
        message = f"{refused.message} Try again in {wait_text(refused.retry_after)}."
        context = {"collab": collab, "vote_message": message}
        response = render(request, "collabs/detail.html#vote-button", context, status=429)
        response["Retry-After"] = str(refused.retry_after)
        # Where the refusal goes: the button itself (core/refusals.py leaves it there).
        response["HX-Retarget"] = f"#vote-{collab.slug}"
        response["HX-Reswap"] = "outerHTML"
        return response
    if request.htmx:
        collab.vote_count, collab.has_voted = result.vote_count, result.voted
        context = {"collab": collab, "vote_message": result.message}
        return render(request, "collabs/detail.html#vote-button", context)
    if result.message:
        messages.warning(request, result.message)
    back = request.POST.get("next", "")
    # A path on this site, nothing else: a bare word would be taken for a URL name.
    if not (
        back.startswith("/")
        and back.isprintable()
        and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    ):
        back = collab.get_absolute_url()
    return redirect(back)


@require_GET
@cached_page
def artist_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    artist = get_object_or_404(Artist.objects.for_page(), slug=slug)
    # Newest first, an order no vote changes: a vote leaves the page cached (its cards'
    # counts are holes).
    collabs = list(Collab.objects.published().featuring(artist).for_list().latest())
    context = {
        "artist": artist,
        "collabs": collabs,
        "collaborators": collaborators_of(artist, collabs),
        # Drawn from the collabs above: no query of its own.
        "network": network.artist_network(artist, collabs),
    }
    return render(request, "collabs/artist.html", context)


@require_GET
@cached_page
def rise_page(request: HtmxHttpRequest) -> HttpResponse:
    """The rise of worldwide collaborations: per-year figures, each linking to the
    catalogue filtered the same way."""
    figures = rise.figures()
    bars, bars_box = rise.year_bars(figures)
    columns, rows, grid_box = rise.partner_grid(figures)
    context = {
        "rise": figures,
        "bars": bars,
        "bars_box": bars_box,
        "columns": columns,
        "rows": rows,
        "grid_box": grid_box,
    }
    return render(request, "collabs/rise.html", context)


@require_GET
@cached_page
def graph(request: HtmxHttpRequest) -> HttpResponse:
    """The collaboration network of the most connected artists."""
    return render(request, "collabs/graph.html", {"network": network.site_network()})


@require_GET
@cached_page
def top(request: HtmxHttpRequest, year: int | None = None) -> HttpResponse:
    published = Collab.objects.published()
    years = _release_years()
    if year is not None and year not in years:
        raise Http404("No collabs from that year yet.")
    collabs = published.released_in(year) if year else published
    # Trending counts the votes of the last seven days: a vote leaves it with no write,
    # so the boards are kept 60 s at most, as the page is.
    boards = memo(
        f"top:{year}",
        lambda: {
            "all_time": with_card_credits(list(collabs.for_list(credits=False).top()[:20])),
            "trending": with_card_credits(list(collabs.for_list(credits=False).trending()[:10])),
        },
        seconds=60,
    )
    context = {"year": year, "years": years, **boards}
    return render(request, "collabs/top.html", context)


@login_required
@verified_member_required
@require_http_methods(["GET", "POST"])
def nominate(request: HtmxHttpRequest) -> HttpResponse:
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Over the limits it raises RateLimited: core.middleware answers with the 429 page.
        services.collab_nominate(user=request.user, **form.cleaned_data)
        messages.success(
            request,
            f"Thanks! “{form.cleaned_data['title']}” is waiting for an editor to check it.",
        )
        return redirect("collabs:list")
    # Over the limit, say so before the member types a nomination the site would refuse.
    refusal = services.nomination_refusal(user=request.user)
    return render(request, "collabs/nominate.html", {"form": form, "refusal": refusal})
