"""Discussions are public only while their owner is: open the published collabs' ones.

Threads gained `public_from` (comments 0004), empty for every existing row, which would
close every discussion. A published collab's opens from when the collab was created;
nominated and rejected collabs' stay closed.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def open_published(apps, schema_editor):
    Collab = apps.get_model("collabs", "Collab")
    Thread = apps.get_model("comments", "Thread")
    published = Collab.objects.filter(status="published", thread_id=OuterRef("pk"))
    Thread.objects.filter(collab__status="published").update(
        public_from=Subquery(published.values("created_at")[:1])
    )


def close_all(apps, schema_editor):
    Thread = apps.get_model("comments", "Thread")
    Thread.objects.filter(collab__isnull=False).update(public_from=None)


class Migration(migrations.Migration):
    dependencies = [
        ("collabs", "0002_fewer_indexes_on_the_vote_path"),
        ("comments", "0004_thread_public_from"),
    ]

    operations = [migrations.RunPython(open_published, close_all)]
