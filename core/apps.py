from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Crossover core"

    def ready(self) -> None:
        from django.template.loader import render_to_string

        from core import viewer_slots

        # base.html's header corner: name, avatar, notifications, rendered per request.
        viewer_slots.register(
            viewer_slots.SlotKind(
                name="account-nav",
                render=lambda request: render_to_string(
                    "includes/account_nav.html", request=request
                ),
            )
        )
