"""Hostile comment bodies, posted through the real view: the page must hold no executable markup.

Checked by parsing the HTML (stdlib html.parser), not by searching strings.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

PAYLOADS = [
    # Script tags, plain and disguised
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.test/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script nonce="guess">alert(1)</script>',
    "<<script>alert(1);//<</script>",
    # Event handlers
    "<img src=x onerror=alert(1)>",
    '<body onload="alert(1)">',
    '<div onmouseover="alert(1)">hover</div>',
    '<a href="#" onclick="alert(1)">click</a>',
    "<details open ontoggle=alert(1)>",
    '<input autofocus onfocus="alert(1)">',
    # javascript:, data:, vbscript: links
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](java\nscript:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    '[a](https://ok.test "title" onclick="alert(1)")',
    "[ref]\n\n[ref]: javascript:alert(1)",
    # Images, SVG, style, frames, objects
    "![x](https://evil.test/track.png)",
    '![x](javascript:alert(1) "t")',
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body{display:none}</style>",
    '<p style="position:fixed;inset:0">cover</p>',
    '<iframe src="https://evil.test"></iframe>',
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    '<link rel="stylesheet" href="https://evil.test/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.test">',
    '<form action="https://evil.test"><button>Win</button></form>',
    # Broken markup
    '<img src="x" onerror="alert(1)"',
    "<a href='javascript:alert(1)'>unclosed",
    '"><script>alert(1)</script>',
    "</textarea><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    # Markdown link and autolink tricks
    "[x](<javascript:alert(1)>)",
    "[x](https://ok.test)<script>alert(1)</script>",
    "**<img src=x onerror=alert(1)>**",
    "`<script>alert(1)</script>` and ```\n<script>alert(1)</script>\n```",
    '<https://ok.test/"onmouseover="alert(1)>',
    # Injected htmx attributes
    '<div hx-post="/comments/1/delete/" hx-trigger="load">x</div>',
    '<button hx-get="/accounts/delete/" hx-trigger="mouseover">x</button>',
    "<div hx-on:click=\"alert(1)\" data-hx-post='/x' data-hx-trigger=load>x</div>",
    '<a href="https://ok.test" hx-boost="true" hx-headers=\'{"x":1}\'>x</a>',
    '[x](https://ok.test "hx-post=/x")',
    # Unicode look-alikes and invisible characters
    "[x](ｊａｖａｓｃｒｉｐｔ:alert(1))",
    "[x](java\u200bscript:alert(1))",
    "[x](\u202ejavascript:alert(1))",
    "＜script＞alert(1)＜/script＞",
    "@\u0430dmin <script>alert(1)</script>",
]

FORBIDDEN_IN_COMMENTS = {
    "script", "style", "img", "svg", "math", "iframe", "object", "embed", "link", "meta",
    "base", "form", "input", "button", "textarea", "select", "video", "audio", "source",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


def _scheme(url: str) -> str:
    # Browsers ignore ASCII whitespace and control characters inside a scheme.
    return "".join(ch for ch in url if ord(ch) > 0x20).lower()


class PageAudit(HTMLParser):
    """Walks a rendered page and records anything executable, inside comments or out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, opens a comment body)
        self.comment_depth = 0
        self.comment_bodies = 0
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        inside = self.comment_depth > 0
        classes = (dict(attrs).get("class") or "").split()
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if inside and (name.startswith("hx-") or name.startswith("data-hx-")):
                self.problems.append(f"htmx attribute {name} inside a comment")
            if inside and name in {"style", "srcdoc", "formaction", "xlink:href"}:
                self.problems.append(f"{name} inside a comment")
            is_url = name in {"href", "src", "action", "formaction", "xlink:href"}
            if is_url and value and _scheme(value).startswith(BAD_SCHEMES):
                self.problems.append(f"{name}={value!r} on <{tag}>")
        if tag == "script":
            attributes = dict(attrs)
            if (
                inside
                or "nonce" not in attributes
                or not attributes.get("src", "").startswith("/static/")
            ):
                self.problems.append(f"foreign <script> {attrs}")
        if inside and tag in FORBIDDEN_IN_COMMENTS:
            self.problems.append(f"<{tag}> inside a comment")
        if tag in VOID:
            return
        opens = "comment-body" in classes
        if opens:
            self.comment_bodies += 1
        self.comment_depth += opens
        self.stack.append((tag, opens))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, opened = self.stack.pop()
            self.comment_depth -= opened
            if open_tag == tag:
                break


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    parser.close()
    return parser


def test_the_corpus_is_big_enough():
    assert len(PAYLOADS) >= 40


def test_auditor_catches_what_it_should():
    bad = audit(
        '<div class="comment-body prose"><p><img src=x onerror=alert(1)>'
        '<a href=" JAVA\tscript:x" hx-post="/x">x</a><svg></svg></p></div>'
        "<script>alert(1)</script>"
    )
    assert len(bad.problems) == 6, bad.problems


@pytest.mark.parametrize("htmx", [False, True], ids=["plain-form", "htmx"])
def test_hostile_comments_render_inert(standalone_thread, member, other, no_rate_limits, htmx):
    client = Client()
    client.force_login(member)
    url = reverse("comments:post", args=[standalone_thread.pk])
    headers = {"HX-Request": "true"} if htmx else {}
    for payload in PAYLOADS:
        response = client.post(url, {"body": payload}, headers=headers)
        assert response.status_code == (200 if htmx else 302), payload
        if htmx:
            fragment = audit(response.content.decode())
            assert fragment.problems == [], (payload, fragment.problems)

    thread_url = reverse("comments:thread", args=[standalone_thread.pk])
    for viewer in (client, Client()):
        rendered = 0
        for page in (1, 2, 3):
            response = viewer.get(f"{thread_url}?comments_page={page}")
            result = audit(response.content.decode())
            assert result.problems == []
            rendered += result.comment_bodies
        # Every payload was rendered somewhere, so none slipped out of the comment region.
        assert rendered == len(PAYLOADS)

    more = Client().get(
        reverse("comments:more", args=[standalone_thread.pk]) + "?comments_page=2",
        headers={"HX-Request": "true"},
    )
    assert audit(more.content.decode()).problems == []
