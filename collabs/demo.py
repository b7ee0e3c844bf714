"""Demo catalogue: the collabs the seed article names, a few collabs within K-pop (a feature
across groups, a unit's single), their artists, genres, votes and discussions, each its own.

Runs after accounts.demo (which creates the demo members). Idempotent: everything is
looked up by slug first, and a member who already voted is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import quote_plus

from django.utils import timezone

from accounts.demo import DEMO_MEMBERS, demo_start
from accounts.models import User
from collabs import services
from collabs.models import Artist, ArtistKind, Collab, CreditRole, Vote
from collabs.services import CreditSpec
from comments.demo import add_demo_comments, drop_legacy_copy

G, S, B, P, R, U = (
    ArtistKind.GROUP,
    ArtistKind.SOLOIST,
    ArtistKind.BAND,
    ArtistKind.PRODUCER,
    ArtistKind.RAPPER,
    ArtistKind.UNIT,
)

# slug: (name, korean name, other names, kind, country, group slug, bio)
ARTISTS: dict[str, tuple[str, str, str, str, str, str, str]] = {
    "blackpink": ("BLACKPINK", "블랙핑크", "Black Pink", G, "KR", "",
                  "Four-member girl group from YG Entertainment, debuted 2016."),
    "jisoo": ("Jisoo", "지수", "Kim Ji-soo, Kim Jisoo", S, "KR", "blackpink",
              "BLACKPINK's eldest member, singer and actress."),
    "rose": ("Rosé", "로제", "Roseanne Park, Park Chae-young, Rose", S, "KR", "blackpink",
             "BLACKPINK's main vocalist, raised in Auckland and Melbourne."),
    "bts": ("BTS", "방탄소년단", "Bangtan Boys, Bangtan Sonyeondan", G, "KR", "",
            "Seven-member boy group from BigHit, debuted 2013."),
    "j-hope": ("j-hope", "제이홉", "Jung Ho-seok, J-Hope, Hobi", S, "KR", "bts",
               "BTS rapper, dancer and producer."),
    "seventeen": ("SEVENTEEN", "세븐틴", "SVT", G, "KR", "",
                  "Thirteen members in three units, self-producing since 2015."),
    "s-coups": ("S.Coups", "에스쿱스", "Choi Seung-cheol, SCoups, S Coups", S, "KR", "seventeen",
                "SEVENTEEN's leader and hip-hop unit leader."),
    "mingyu": ("Mingyu", "민규", "Kim Min-gyu", S, "KR", "seventeen",
               "SEVENTEEN rapper from the hip-hop unit."),
    "stray-kids": ("Stray Kids", "스트레이 키즈", "SKZ", G, "KR", "",
                   "JYP's eight-member boy group, self-produced through 3RACHA."),
    "wonder-girls": ("Wonder Girls", "원더걸스", "WG", G, "KR", "",
                     "JYP girl group behind “Tell Me” and “Nobody”; the first K-pop act "
                     "on the Billboard Hot 100."),
    "zayn": ("Zayn", "", "Zayn Malik, ZAYN", S, "GB", "", "English singer, ex-One Direction."),
    "bruno-mars": ("Bruno Mars", "", "Peter Gene Hernandez", S, "US", "",
                   "Singer, songwriter and producer from Honolulu."),
    "lay-bankz": ("Lay Bankz", "", "", R, "US", "", "Philadelphia rapper and singer."),
    "glorilla": ("GloRilla", "", "Gloria Woods", R, "US", "", "Memphis rapper."),
    "akon": ("Akon", "", "Aliaune Thiam", S, "US", "", "Senegalese-American singer and producer."),
    "the-chainsmokers": ("The Chainsmokers", "", "Chainsmokers", P, "US", "",
                         "EDM and pop duo from New York."),
    "steve-aoki": ("Steve Aoki", "", "", P, "US", "", "DJ and producer, Dim Mak founder."),
    "desiigner": ("Desiigner", "", "Sidney Selby", R, "US", "", "Brooklyn rapper."),
    "lady-gaga": ("Lady Gaga", "", "Stefani Germanotta, Gaga", S, "US", "",
                  "Singer, songwriter and actress from New York."),
    "selena-gomez": ("Selena Gomez", "", "Selena", S, "US", "", "Singer and actress from Texas."),
    "charlie-puth": ("Charlie Puth", "", "", S, "US", "", "Singer, songwriter and producer."),
    # K-pop among itself: features across groups, and a unit.
    "bigbang": ("BIGBANG", "빅뱅", "Big Bang", G, "KR", "",
                "YG Entertainment boy group, debuted 2006."),
    "taeyang": ("Taeyang", "태양", "Dong Young-bae, Sol", S, "KR", "bigbang",
                "BIGBANG's main vocalist, with a solo career since 2008."),
    "jimin": ("Jimin", "지민", "Park Ji-min", S, "KR", "bts", "BTS vocalist and dancer."),
    "suga": ("SUGA", "슈가", "Min Yoon-gi, Agust D", S, "KR", "bts",
             "BTS rapper and producer, also known as Agust D."),
    "iu": ("IU", "아이유", "Lee Ji-eun", S, "KR", "", "Singer-songwriter and actress."),
    "bss": ("BSS", "부석순", "BooSeokSoon, SEVENTEEN BSS", U, "KR", "seventeen",
            "SEVENTEEN's unit of Seungkwan, DK and Hoshi."),
    "lee-young-ji": ("Lee Young Ji", "이영지", "Young Ji", R, "KR", "",
                     "Rapper and TV personality from Seoul."),
}  # fmt: skip

L, F = CreditRole.LEAD, CreditRole.FEATURED

# slug: (title, release date, [(artist slug, join phrase, role)], genres, description,
#        [(votes, days since the first of them)])
COLLABS = {
    "eyes-closed": (
        "Eyes Closed",
        date(2025, 10, 10),
        [("jisoo", " & ", L), ("zayn", "", L)],
        ["K-pop", "R&B", "Pop"],
        "Jisoo's first big cross-culture collab and Zayn's smooth dive into K-pop's orbit: "
        "soft, cinematic and **totally playlist-core**, moody R&B with dreamy Y2K energy.",
        (9, 2),
    ),
    "apt": (
        "APT.",
        date(2024, 10, 18),
        [("rose", " & ", L), ("bruno-mars", "", L)],
        ["K-pop", "Pop", "Pop rock"],
        "Inspired by *apateu*, a Korean drinking game, and a global number one that broke "
        "streaming and airplay records. Cultural exchange, not just a Western feature.",
        (12, 40),
    ),
    "5-4-3-pretty-woman": (
        "5, 4, 3 (Pretty Woman)",
        date(2025, 3, 10),
        [("s-coups", " & ", L), ("mingyu", " feat. ", L), ("lay-bankz", "", F)],
        ["K-pop", "Hip hop"],
        "The SEVENTEEN unit of S.Coups and Mingyu interpolates “Oh, Pretty Woman” with "
        "Philadelphia's Lay Bankz on the feature.",
        (6, 10),
    ),
    "killin-it-girl": (
        "Killin' It Girl",
        date(2025, 6, 13),
        [("j-hope", " feat. ", L), ("glorilla", "", F)],
        ["K-pop", "Hip hop"],
        "Named best collaboration of summer 2025: K-pop idol energy meets Memphis rap.",
        (8, 5),
    ),
    "like-money": (
        "Like Money",
        date(2012, 7, 6),
        [("wonder-girls", " feat. ", L), ("akon", "", F)],
        ["K-pop", "Dance-pop"],
        "Wonder Girls' English-language single with Akon, from the first wave of "
        "K-pop's American ambitions.",
        (3, 90),
    ),
    "best-of-me": (
        "Best of Me",
        date(2017, 9, 18),
        [("bts", " & ", L), ("the-chainsmokers", "", L)],
        ["K-pop", "EDM"],
        "Co-written with The Chainsmokers' Andrew Taggart for BTS's *Love Yourself: Her*.",
        (7, 60),
    ),
    "mic-drop-steve-aoki-remix": (
        "MIC Drop (Steve Aoki Remix)",
        date(2017, 11, 24),
        [("bts", " & ", L), ("steve-aoki", " feat. ", L), ("desiigner", "", F)],
        ["K-pop", "EDM", "Hip hop"],
        "The remix that took BTS into the Billboard Hot 100's top 30.",
        (10, 30),
    ),
    "waste-it-on-me": (
        "Waste It On Me",
        date(2018, 10, 25),
        [("steve-aoki", " feat. ", L), ("bts", "", F)],
        ["EDM", "Pop"],
        "Steve Aoki's all-English track with BTS on vocals.",
        (5, 45),
    ),
    "sour-candy": (
        "Sour Candy",
        date(2020, 5, 28),
        [("lady-gaga", " & ", L), ("blackpink", "", L)],
        ["Pop", "House"],
        "A house-pop highlight of Lady Gaga's *Chromatica*.",
        (8, 20),
    ),
    "ice-cream": (
        "Ice Cream",
        date(2020, 8, 28),
        [("blackpink", " & ", L), ("selena-gomez", "", L)],
        ["K-pop", "Pop"],
        "Sweet, bubblegum and co-written by Ariana Grande.",
        (7, 25),
    ),
    "lose-my-breath": (
        "Lose My Breath",
        date(2024, 5, 10),
        [("stray-kids", " feat. ", L), ("charlie-puth", "", F)],
        ["K-pop", "Pop"],
        "Stray Kids' first English-language single, with Charlie Puth.",
        (9, 15),
    ),
    # Not crossovers (every credit is Korean): collabs within K-pop.
    "vibe": (
        "VIBE",
        date(2023, 1, 13),
        [("taeyang", " feat. ", L), ("jimin", "", F)],
        ["K-pop", "R&B"],
        "BIGBANG's Taeyang with BTS's Jimin: two generations of K-pop's biggest boy groups "
        "on one smooth, slow-burning track.",
        (6, 35),
    ),
    "eight": (
        "Eight",
        date(2020, 5, 6),
        [("iu", " feat. ", L), ("suga", "", F)],
        ["K-pop", "Pop rock"],
        "IU with BTS's SUGA, who also co-produced it: a bittersweet pop-rock single.",
        (5, 120),
    ),
    "fighting": (
        "Fighting",
        date(2023, 2, 6),
        [("bss", " feat. ", L), ("lee-young-ji", "", F)],
        ["K-pop", "Pop"],
        "The SEVENTEEN unit BSS (Seungkwan, DK and Hoshi) with rapper Lee Young Ji: "
        "a cheer-up song for everyone who needs one.",
        (4, 50),
    ),
}


# Each discussed collab has its own conversation: (author, body, index of the line it
# answers or None, hours before the demo's start). Replies nest three levels deep; a
# fourth-level answer attaches at the third and notifies the member it answers.
DISCUSSIONS = {
    "apt": [
        ("blinkforever", "The *apateu* chant lives in my head rent-free. Rosé's pre-chorus "
         "is **perfect**.", None, 200),
        ("popfan_lena", "Came for Bruno Mars, stayed for Rosé. My whole office does the "
         "chant now.", None, 150),
        ("army_jay", "@blinkforever the bridge is the real highlight though, fight me 😄",
         0, 120),
        ("blinkforever", "No fight needed, @army_jay. The bridge *is* the song.", 2, 100),
        ("edm_marco", "Bridge people unite. Someone please make a club edit of it.", 3, 70),
        ("chartwatcher", "It charted higher in the US than most people predicted for a "
         "K-pop collab.", 1, 60),
        ("kpop_dad_tom", "My daughter taught me the drinking game it's named after. I lose "
         "every round.", None, 20),
    ],
    "eyes-closed": [
        ("zayn_and_jisoo", "Jisoo and Zayn's voices just *fit*. Moody R&B was the right "
         "call.", None, 90),
        ("hallyu_hana", "The Y2K feel of the production is so good on headphones.", 0, 70),
        ("lightstick_lu", "Underrated: the harmonies in the last chorus.", None, 30),
        ("zayn_and_jisoo", "@lightstick_lu yes! I replayed that part ten times.", 2, 10),
    ],
    "best-of-me": [
        ("army_jay", "Best of Me is still my number one BTS collab. That drop!", None, 300),
        ("edm_marco", "The Chainsmokers' production with BTS vocals was the perfect mix for "
         "2017.", 0, 280),
        ("chartwatcher", "Fun fact: it's on *Love Yourself: Her*, not a standalone single.",
         None, 200),
        ("army_jay", "@chartwatcher and it still gets played at every ARMY party I go to.",
         2, 180),
    ],
    "sour-candy": [
        ("blinkforever", "Gaga & BLACKPINK <3 — not R&B, pure house, and I love it.",
         None, 240),
        ("kpop_dad_tom", "Chromatica was my way into BLACKPINK. Then I found everything "
         "else.", 0, 200),
        ("popfan_lena", "Sour Candy in a club in Berlin: everyone knew the words.", None, 50),
    ],
    "lose-my-breath": [
        ("stay4life", "Lose My Breath with Charlie Puth! Stray Kids in English just works.",
         None, 80),
        ("chartwatcher", "Their first English-language single, and you can hear how "
         "confident they are.", 0, 40),
        ("stay4life", "@chartwatcher STAY has been saying it for years 😌", 1, 12),
    ],
    "5-4-3-pretty-woman": [
        ("carat_mingyu", "S.Coups and Mingyu together is what the hip-hop unit deserves. "
         "5, 4, 3 supremacy.", None, 70),
        ("popfan_lena", "Lay Bankz on the feature was such a fun choice.", 0, 25),
    ],
    "vibe": [
        ("army_jay", "Jimin and Taeyang on one track: BTS and BIGBANG together, I never "
         "thought I'd see it.", None, 150),
        ("hallyu_hana", "Not a crossover in the international sense, but my favourite "
         "feature across groups.", 0, 120),
        ("lightstick_lu", "Taeyang's vocals and Jimin's falsetto together, so smooth.",
         None, 30),
    ],
    "fighting": [
        ("carat_mingyu", "BSS never miss. Lee Young Ji's verse is the cherry on top.",
         None, 110),
        ("kpop_dad_tom", "This one plays every time I go for a run. Fighting!", 0, 60),
    ],
}  # fmt: skip


def load(*, log: Callable[[str], None]) -> None:
    artists = _artists()
    created = 0
    for slug, (title, released, credits, genres, description, _) in COLLABS.items():
        if Collab.objects.filter(slug=slug).exists():
            continue
        services.collab_create(
            title=title,
            slug=slug,
            release_date=released,
            description=description,
            credits=[
                CreditSpec(artist=artists[a], join_phrase=join, role=role)
                for a, join, role in credits
            ],
            genres=[services.genre_get_or_create(name=name) for name in genres],
            links=[
                ("YouTube", f"https://www.youtube.com/results?search_query={quote_plus(title)}")
            ],
        )
        created += 1
    votes = _votes()
    for collab in Collab.objects.filter(slug__in=COLLABS).select_related("thread"):
        services.collab_thread_sync(collab=collab)
        drop_legacy_copy(collab.thread)
    start = demo_start()
    for collab in Collab.objects.filter(slug__in=DISCUSSIONS).select_related("thread"):
        add_demo_comments(collab.thread, DISCUSSIONS[collab.slug], start=start, log=log)
    log(f"Catalogue: {len(COLLABS)} collabs ({created} new), {votes} new demo votes.")


def _artists() -> dict[str, Artist]:
    existing = {a.slug: a for a in Artist.objects.filter(slug__in=ARTISTS)}
    # Groups first, so members can point at them.
    for slug, (name, korean, others, kind, country, group, bio) in sorted(
        ARTISTS.items(), key=lambda item: bool(item[1][5])
    ):
        if slug not in existing:
            existing[slug] = services.artist_create(
                name=name,
                slug=slug,
                korean_name=korean,
                other_names=others,
                kind=kind,
                country=country,
                member_of=existing[group] if group else None,
                bio=bio,
            )
    return existing


def _votes() -> int:
    """Member i votes for a collab if i < its vote count, spread back over `days`."""
    members = list(User.objects.filter(username__in=[u for u, _, _ in DEMO_MEMBERS]))
    members.sort(key=lambda m: [u for u, _, _ in DEMO_MEMBERS].index(m.username))
    collabs = {c.slug: c for c in Collab.objects.filter(slug__in=COLLABS)}
    already = set(Vote.objects.filter(user__in=members).values_list("user_id", "collab_id"))
    now, cast = timezone.now(), 0
    for slug, spec in COLLABS.items():
        count, days = spec[5]
        for i, member in enumerate(members[:count]):
            collab = collabs[slug]
            if (member.pk, collab.pk) in already:
                continue
            at = now - timedelta(days=days * (i + 1) / count)
            services.vote_cast(user=member, collab=collab, at=at)
            cast += 1
    return cast
