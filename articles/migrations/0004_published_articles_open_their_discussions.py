"""Discussions are public only while their owner is: open the published articles' ones.

Threads gained `public_from` (comments 0004), empty for every existing row. A published
article's discussion opens at its publish time (a scheduled article's in the future, so
it opens by itself with the article); drafts' stay closed.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def open_published(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Thread = apps.get_model("comments", "Thread")
    published = Article.objects.filter(status="published", thread_id=OuterRef("pk"))
    Thread.objects.filter(article__status="published").update(
        public_from=Subquery(published.values("published_at")[:1])
    )


def close_all(apps, schema_editor):
    Thread = apps.get_model("comments", "Thread")
    Thread.objects.filter(article__isnull=False).update(public_from=None)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editor_permissions_for_moderation"),
        ("comments", "0004_thread_public_from"),
    ]

    operations = [migrations.RunPython(open_published, close_all)]
