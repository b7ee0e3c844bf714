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
