"""Usernames and display names: one canonical form, safe characters, and no look-alikes.

- `canonical()` is the form a username is stored and shown in: NFKC, so a fullwidth
  "ｅｄｉｔｏｒ" or a script "ℯditor" is the plain "editor" it stands for.
- `skeleton()` is what a name looks like: two names with the same skeleton are look-alikes
  (Unicode TS #39's idea of a skeleton). The username's skeleton is stored in
  `User.username_key` under a unique constraint, so no two members can hold look-alike
  names, and every lookup by name (login, /u/<username>/, the admin) goes through it and
  finds one member at most.
- `unsafe_characters()` finds what may appear in neither kind of name: control characters
  (newlines, tabs, NUL), format characters (bidi overrides and isolates, zero-width
  spaces and joiners, the BOM) and the invisible fillers that render as nothing.

The skeleton is built from the Unicode confusables data shipped by the maintained
`confusable-homoglyphs` package, which offers per-character confusables but no skeleton
function. That data lists each pair of confusables both ways, so the characters that are
confusable with one another form groups (a prototype and every character mapped to it);
a character's skeleton is its group's smallest code point, and a character mapped to a
sequence ("m" to "rn") becomes that sequence's skeleton. ASCII letters are grouped with
their lower case, so the skeleton ignores case ("Editor" is "editor") and an "I" that
looks like an "l" looks like an "i" as well: "i", "l", "I" and "1" share a skeleton, as
do "o", "O" and "0".
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError

# Characters that render as nothing (or as a blank) but are letters to Unicode, so no
# category check finds them: Hangul fillers, the Mongolian vowel separator, braille blank.
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u180e\u2800\u034f")
# Categories refused in any name: control, format (bidi, zero-width), surrogate,
# private use, unassigned, line and paragraph separators.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

LEFT_TO_RIGHT_MARK = "\u200e"

# A dot above on a soft-dotted letter (or on a dotless i) draws nothing new: "i\u0307" is
# "i" on screen, and "İ" folds to it. Marks below may come between (canonical order).
DOT_ON_SOFT_DOTTED_RE = re.compile("(?<=[ijıȷįɨʝіјḭịϳ])([\u0300-\u036f]*?)\u0307")
# Browsers collapse any run of white space in HTML to one space.
WHITESPACE_RUN_RE = re.compile(r"\s+")


def canonical(name: str) -> str:
    """The form a name is stored in: NFKC, without surrounding whitespace."""
    return unicodedata.normalize("NFKC", name).strip()


def unsafe_characters(text: str) -> list[str]:
    """The characters of `text` that no name may hold, each once, in order."""
    found: list[str] = []
    for char in text:
        if (
            unicodedata.category(char) in UNSAFE_CATEGORIES or char in INVISIBLE
        ) and char not in found:
            found.append(char)
    return found


def describe(chars: list[str]) -> str:
    """Name refused characters for a person: "U+202E (RIGHT-TO-LEFT OVERRIDE)"."""
    return ", ".join(
        f"U+{ord(c):04X} ({unicodedata.name(c, 'a control character')})" for c in chars
    )


@cache
def _groups() -> tuple[dict[str, str], dict[str, str]]:
    """(representative of each confusable character, sequences single characters map to)."""
    from confusable_homoglyphs.confusables import confusables_data

    parent: dict[str, str] = {}

    def find(char: str) -> str:
        parent.setdefault(char, char)
        while parent[char] != char:
            parent[char] = parent[parent[char]]
            char = parent[char]
        return char

    def union(a: str, b: str) -> None:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            # The smaller code point represents the group: ASCII wins where there is one.
            low, high = sorted((root_a, root_b))
            parent[high] = low

    sequences: dict[str, str] = {}
    for key, entries in confusables_data.items():
        # Right-to-left characters are stored wrapped in left-to-right marks.
        a = key.replace(LEFT_TO_RIGHT_MARK, "")
        for entry in entries:
            b = entry["c"].replace(LEFT_TO_RIGHT_MARK, "")
            if len(a) == 1 and len(b) == 1:
                union(a, b)
            elif len(a) == 1 and len(b) > 1:
                sequences[a] = b  # a single character is only ever a source
            elif len(b) == 1 and len(a) > 1:
                sequences[b] = a
    for upper in string.ascii_uppercase:
        union(upper, upper.lower())
    return {char: find(char) for char in parent}, sequences


def _char_skeleton(char: str, depth: int = 0) -> str:
    representatives, sequences = _groups()
    if char in sequences and depth < 3:
        return "".join(_char_skeleton(c, depth + 1) for c in sequences[char])
    return representatives.get(char, char)


def skeleton(name: str) -> str:
    """What `name` looks like: equal for look-alikes, whatever their case or script."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = WHITESPACE_RUN_RE.sub(" ", DOT_ON_SOFT_DOTTED_RE.sub(r"\1", text))
    text = "".join(_char_skeleton(c) for c in text)
    # Mapped sequences may hold characters that NFKC or case folding change again.
    return "".join(_char_skeleton(c) for c in unicodedata.normalize("NFKC", text).casefold())


def reserved_skeletons() -> set[str]:
    return {skeleton(name) for name in settings.ACCOUNT_USERNAME_BLACKLIST}


def is_reserved(name: str) -> bool:
    return skeleton(name) in reserved_skeletons()


# Messages -------------------------------------------------------------------------------

USERNAME_TAKEN = "That username is already taken. Please choose another."
USERNAME_LOOKALIKE = (
    "That username looks too much like an existing member's. Please choose another."
)
USERNAME_RESERVED = (
    "That username is kept for the site and its staff (or looks like one that is). "
    "Please choose another."
)


def unsafe_message(chars: list[str], what: str) -> str:
    return (
        f"Your {what} contains characters that are invisible or change how text around it "
        f"is shown: {describe(chars)}. Please remove them."
    )


def check_username_characters(username: str) -> None:
    chars = unsafe_characters(username)
    if chars:
        raise ValidationError(unsafe_message(chars, "username"), code="unsafe_characters")


def check_username(username: str, *, exclude_pk=None, allow_reserved: bool = False) -> str:
    """The one rule for a new or changed username (sign-up, the admin); returns its canonical
    form. No invisible or direction-changing characters, not a reserved name nor a
    look-alike of one (unless `allow_reserved`: the admin naming a staff account), and
    not a look-alike of another member's username."""
    from accounts.models import User

    username = canonical(username)
    check_username_characters(username)
    if not allow_reserved and is_reserved(username):
        raise ValidationError(USERNAME_RESERVED, code="username_blacklisted")
    existing = User.objects.by_username(username).exclude(pk=exclude_pk)
    for taken in existing.values_list("username", flat=True):
        if taken.casefold() == username.casefold():
            raise ValidationError(USERNAME_TAKEN, code="username_taken")
        raise ValidationError(USERNAME_LOOKALIKE, code="username_lookalike")
    return username


def check_display_name(display_name: str, *, user) -> str:
    """Validate a display name for `user`; returns its canonical form (NFKC, trimmed).

    Same character rules as usernames, and it may not look like another member's
    username, nor like a staff member's display name or username."""
    from accounts.models import User

    value = canonical(display_name)
    chars = unsafe_characters(value)
    if chars:
        raise ValidationError(unsafe_message(chars, "display name"), code="unsafe_characters")
    if not value:
        return value
    key = skeleton(value)
    others = User.objects.exclude(pk=user.pk)
    if key in reserved_skeletons() and not user.is_staff:
        raise ValidationError(
            "That display name is kept for the site and its staff. Please choose another.",
            code="reserved",
        )
    if others.filter(username_key=key).exists():
        raise ValidationError(
            "That display name looks like another member's username. Please choose another.",
            code="imitates_member",
        )
    staff_names = others.filter(is_staff=True).exclude(display_name="")
    if any(skeleton(name) == key for name in staff_names.values_list("display_name", flat=True)):
        raise ValidationError(
            "That display name looks like a staff member's. Please choose another.",
            code="imitates_staff",
        )
    return value
