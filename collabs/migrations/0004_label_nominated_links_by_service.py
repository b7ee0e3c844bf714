"""Nominated listening links were all labelled "Nominated link", which an approved collab's
page showed as a button: label them by their service ("YouTube", "Spotify"), else "Listen".
"""

from django.db import migrations


def relabel(apps, schema_editor):
    from collabs.models import listening_label

    ListeningLink = apps.get_model("collabs", "ListeningLink")
    for link in ListeningLink.objects.filter(label="Nominated link"):
        link.label = listening_label(link.url)
        link.save(update_fields=["label"])


class Migration(migrations.Migration):
    dependencies = [("collabs", "0003_published_collabs_open_their_discussions")]

    operations = [migrations.RunPython(relabel, migrations.RunPython.noop)]
