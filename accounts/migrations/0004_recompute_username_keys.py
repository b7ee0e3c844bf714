"""Username keys again, for the look-alike rule's two additions (accounts.names.skeleton):
a dot above on a soft-dotted letter draws nothing ("İ" and "i\u0307" look like "i"), and a
run of white space is one space. Same plan as 0002: the older account keeps a name that
now looks like another's, each newer one gets "-<its id>" (logged); nothing is deleted.
"""

from importlib import import_module

from django.db import migrations


def fill_username_keys(apps, schema_editor):
    import_module("accounts.migrations.0002_username_key").fill_username_keys(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_attempts_and_used_totp_codes"),
    ]

    operations = [
        migrations.RunPython(fill_username_keys, migrations.RunPython.noop, elidable=False),
    ]
