from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Discussions"

    def ready(self) -> None:
        # A member's comments, likes and flags belong in their export, are tidied when
        # they leave, and their latest comments show on their profile.
        from accounts import extensions
        from comments import profile, services

        extensions.register_exporter("comments")(services.member_comments_export)
        extensions.register_exporter("comment_likes")(services.member_likes_export)
        extensions.register_exporter("comment_flags")(services.member_flags_export)
        extensions.register_deletion_handler(services.member_comments_erase)
        extensions.register_profile_section(profile.latest_comments_section)
