"""The sites framework's Site row takes SITE_NAME and SITE_URL's host (not "example.com")."""

from django.db import migrations


def forwards(apps, schema_editor):
    from core.sites import site_sync

    site_sync(apps.get_model("sites", "Site"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_topic"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
