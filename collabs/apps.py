from django.apps import AppConfig


class CollabsConfig(AppConfig):
    name = "collabs"
    verbose_name = "Collab catalogue"

    def ready(self) -> None:
        from accounts import extensions
        from collabs import member_data

        extensions.register_exporter("votes")(member_data.export_votes)
        extensions.register_deletion_handler(member_data.delete_votes)
        extensions.register_profile_section(member_data.voted_collabs_section)

        # A visitor's Vote click is cast when they log in (see collabs/views.py).
        from django.contrib.auth.signals import user_logged_in

        from collabs.views import cast_remembered_vote

        user_logged_in.connect(cast_remembered_vote, dispatch_uid="collabs-vote-after-login")

        # A deleted collab's discussion closes with it, as a deleted article's does.
        from django.db.models.signals import post_delete

        from collabs.models import Collab
        from comments.services import thread_close_with_owner

        post_delete.connect(
            thread_close_with_owner, sender=Collab, dispatch_uid="collab-closes-thread"
        )
