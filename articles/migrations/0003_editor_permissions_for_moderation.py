"""Give the Editors group the moderation permissions, now that the comments models exist."""

from django.db import migrations


def sync(apps, schema_editor):
    from accounts.editors import sync_editor_permissions

    sync_editor_permissions(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_editors_group"),
        ("comments", "0002_discussions"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
