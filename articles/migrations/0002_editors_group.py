"""Create the "Editors" group with exactly the permissions in accounts.editors."""

from django.db import migrations


def sync(apps, schema_editor):
    from accounts.editors import sync_editor_permissions

    sync_editor_permissions(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0001_initial"),
        ("collabs", "0001_initial"),
        ("comments", "0001_initial"),
    ]

    # Reversing leaves the group alone: members may have been added to it by hand.
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
