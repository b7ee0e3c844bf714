"""Discussion URLs under /comments/ (namespaced "comments")."""

from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("thread/<int:thread_id>/", views.thread_detail, name="thread"),
    path("thread/<int:thread_id>/more/", views.thread_more, name="more"),
    path("thread/<int:thread_id>/post/", views.comment_post, name="post"),
    path("<int:comment_id>/", views.permalink, name="permalink"),
    path("<int:comment_id>/reply/", views.comment_reply, name="reply"),
    path("<int:comment_id>/edit/", views.comment_edit, name="edit"),
    path("<int:comment_id>/delete/", views.comment_delete, name="delete"),
    path("<int:comment_id>/like/", views.comment_like, name="like"),
    path("<int:comment_id>/flag/", views.comment_flag, name="flag"),
]
