"""Site-level pages the comments app owns, with global (un-namespaced) names."""

from django.urls import path

from comments import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/",
        views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification_read",
    ),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("moderation/", views.moderation_log, name="moderation_log"),
]
