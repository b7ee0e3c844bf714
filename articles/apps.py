from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        # A deleted article's discussion closes with it (comments.services).
        from django.db.models.signals import post_delete

        from articles.models import Article
        from comments.services import thread_close_with_owner

        post_delete.connect(
            thread_close_with_owner, sender=Article, dispatch_uid="article-closes-thread"
        )
