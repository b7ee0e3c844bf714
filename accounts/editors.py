"""The "Editors" group: exactly the permissions the editors' back office needs, in one place.

Both the data migration that creates the group and `sync_editor_permissions()` read
EDITOR_PERMISSIONS. Models that do not exist yet (comments and flags before the comments
work lands) are skipped, so after adding a model re-run the sync in a new data migration:

    def sync(apps, schema_editor):
        from accounts.editors import sync_editor_permissions
        sync_editor_permissions(apps=apps)

    migrations.RunPython(sync, migrations.RunPython.noop)

Only app labels and codenames are named here, as strings: no app is imported.
"""

from __future__ import annotations

import logging

from django.apps import apps as global_apps

logger = logging.getLogger(__name__)

EDITORS_GROUP = "Editors"

CRUD = ("add", "change", "delete", "view")

# app label -> model name -> actions. Users are absent on purpose: editors never see or
# change accounts; muting a member is a comments-side moderation action.
EDITOR_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "articles": {"article": CRUD, "featuredcollab": CRUD},
    "collabs": {
        "artist": CRUD,
        "collab": CRUD,
        "credit": CRUD,
        "genre": CRUD,
        "listeninglink": CRUD,
    },
    # Moderation hides and restores (a change with a reason) rather than deleting, so
    # every action stays in the public moderation log.
    # Muting is the one thing editors do to members, and it lives here, not on users.
    "comments": {
        "comment": ("change", "view"),
        "flag": ("change", "view"),
        "thread": ("change", "view"),
        "mute": ("add", "change", "view"),
        "moderationaction": ("view",),
    },
}


def editor_codenames() -> set[tuple[str, str]]:
    """(app label, codename) pairs, e.g. ("articles", "change_article")."""
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in EDITOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }


def sync_editor_permissions(*, apps=global_apps, using: str = "default") -> list[str]:
    """Create the Editors group if needed and give it exactly EDITOR_PERMISSIONS.

    Returns the permissions that could not be granted yet because their model does not
    exist (logged, not an error). Pass the migration's `apps` from a data migration.
    """
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; a data migration runs before that.
    for app_config in apps.get_app_configs():
        if app_config.label in EDITOR_PERMISSIONS:
            app_config.models_module = getattr(app_config, "models_module", None) or True
            create_permissions(app_config, apps=apps, verbosity=0, using=using)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = editor_codenames()
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.using(using)
        .select_related("content_type")
        .filter(content_type__app_label__in=EDITOR_PERMISSIONS)
    }
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    group.permissions.set([found[key] for key in sorted(wanted) if key in found])
    missing = sorted(f"{app}.{codename}" for app, codename in wanted - found.keys())
    if missing:
        logger.info("Editors: not yet granted (no such model yet): %s", ", ".join(missing))
    return missing
