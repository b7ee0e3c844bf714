"""Usernames get one canonical form (NFKC) and a unique look-alike key (accounts.names).

Existing rows: every username is put in its canonical form and given its key, oldest
account first. Where two accounts look alike (the same key), the older keeps its name and
each newer one is renamed to "<its name>-<its id>" (with a further number should even that
be taken), logged with both ids: the member still logs in by email, sees the new name on
their profile, and may ask an editor for another. Nothing is deleted or deactivated.

Display names lose the characters no name may hold any more (accounts.names): line breaks
and tabs become spaces, bidi controls, zero-width and other invisible characters go.
A newline in a display name made the notification email task fail for everyone notified.
"""

import logging
import re

from django.db import migrations, models

logger = logging.getLogger("accounts.migrations")


def fill_username_keys(apps, schema_editor):
    from accounts import names

    User = apps.get_model("accounts", "User")
    db = schema_editor.connection.alias
    rows = list(User.objects.using(db).order_by("date_joined", "pk").values_list("pk", "username"))
    owner: dict[str, int] = {}  # key -> pk of the member who keeps it
    plan: dict[int, tuple[str, str]] = {}  # pk -> (username, key)
    for pk, stored in rows:
        username = names.canonical(stored) or f"member-{pk}"
        key = names.skeleton(username)
        if key in owner:
            original, attempt = username, 1
            while key in owner:
                suffix = f"-{pk}" if attempt == 1 else f"-{pk}-{attempt}"
                username = f"{original[: 150 - len(suffix)]}{suffix}"
                key = names.skeleton(username)
                attempt += 1
            logger.warning(
                "member %s renamed from %r to %r: it looked like member %s's username",
                pk,
                stored,
                username,
                owner[names.skeleton(original)],
            )
        owner[key] = pk
        plan[pk] = (username, key)
    renamed = [pk for pk, stored in rows if plan[pk][0] != stored]
    # Out of the way first: a new name may be what another row is still called.
    for pk in renamed:
        User.objects.using(db).filter(pk=pk).update(username=f"\x01migrating-{pk}")
    for pk, (username, key) in plan.items():
        User.objects.using(db).filter(pk=pk).update(username=username, username_key=key)


def clean_display_names(apps, schema_editor):
    from accounts import names

    User = apps.get_model("accounts", "User")
    db = schema_editor.connection.alias
    for pk, display_name in User.objects.using(db).values_list("pk", "display_name"):
        unsafe = names.unsafe_characters(display_name)
        if not unsafe:
            continue
        cleaned = "".join(
            " " if c.isspace() else "" if c in unsafe else c for c in display_name
        )
        cleaned = re.sub(r"\s+", " ", names.canonical(cleaned))[:60]
        User.objects.using(db).filter(pk=pk).update(display_name=cleaned)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(editable=False, max_length=600, null=True),
        ),
        migrations.RunPython(fill_username_keys, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(clean_display_names, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="user",
            name="username_key",
            field=models.CharField(editable=False, max_length=600, unique=True),
        ),
    ]
