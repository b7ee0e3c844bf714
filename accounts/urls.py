from django.urls import path

from accounts import access, views

app_name = "accounts"

urlpatterns = [
    path("accounts/profile/", views.profile_edit, name="profile_edit"),
    path("accounts/export/", views.export, name="export"),
    path("accounts/delete/", views.delete, name="delete"),
    path("accounts/verify-first/", access.verify_first, name="verify_first"),
    path("u/<str:username>/", views.profile, name="profile"),
]
