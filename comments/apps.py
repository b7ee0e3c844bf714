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

        # A member's page reads the page cache's content generation in the same query as
        # their notifications count, verified email and mute (comments/viewer.py).
        from comments.viewer import state_source
        from core import page_cache

        page_cache.STATE_SOURCES.append(state_source)

        # Comment counts on collab cards are filled into cached pages per response
        # ({% live "comments" %}), so a comment leaves the pages merely showing a card of
        # its collab cached.
        from comments.models import COMMENTS_TOPIC, Thread

        page_cache.LIVE_VALUES["comments"] = page_cache.LiveKind(
            lambda request, ids, known: page_cache.live_column(
                request, Thread, "comment_count", ids, known
            ),
            COMMENTS_TOPIC,
        )

        # On pages shared by all members, each member's likes and whether they may post
        # are filled in per request (core/viewer_slots.py).
        from comments import viewer
        from core import viewer_slots

        viewer_slots.register(
            viewer_slots.SlotKind(
                name="liked",
                variants=(False, True),
                apply=lambda comment, liked: setattr(comment, "liked", liked),
                key=lambda comment: (comment.pk, comment.author_id),
                resolve=viewer.liked_slot_state,
            )
        )
        viewer_slots.register(
            viewer_slots.SlotKind(
                name="compose",
                variants=("form", "unverified"),
                apply=viewer.apply_compose,
                key=lambda discussion: discussion.thread.pk,
                resolve=viewer.compose_slot_state,
            )
        )
