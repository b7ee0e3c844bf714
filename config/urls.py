import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.static import serve

from articles import views as articles_views
from config import views
from config.sitemaps import SITEMAPS

admin.site.site_header = "Crossover editors"
admin.site.site_title = "Crossover editors"
admin.site.index_title = "Back office"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("", include("accounts.urls")),
    path("", include("collabs.urls")),
    path("articles/", include("articles.urls")),
    path("search/", articles_views.search, name="search"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("accounts/", include("allauth.urls")),
    path("comments/", include("comments.urls")),
    path("", include("comments.site_urls")),
    path("admin/", admin.site.urls),
]

if settings.MEDIA_URL.startswith("/"):
    # Media on the local disk (development, or a single small server). With
    # S3-compatible storage MEDIA_URL points at the bucket and this is unused.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
