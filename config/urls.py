import re

from allauth.account.decorators import secure_admin_login
from allauth.mfa.totp.views import activate_totp
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.decorators.csp import csp_override

from articles import views as articles_views
from config import views
from config.sitemaps import SITEMAPS

admin.site.site_header = "Crossover editors"
admin.site.site_title = "Crossover editors"
admin.site.index_title = "Back office"
# Admin log-ins go through allauth's login: same rate limits, same MFA stage.
# accounts.middleware.AdminRequiresMFAMiddleware keeps staff without an
# authenticator out of the rest of /admin/.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("", include("accounts.urls")),
    path("", include("collabs.urls")),
    path("articles/", include("articles.urls")),
    path("search/", articles_views.search, name="search"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # allauth draws the authenticator's QR code as a data: SVG image; the site's policy
    # allows data: images on this one page only (settings.TOTP_ACTIVATE_CSP).
    path(
        "accounts/2fa/totp/activate/",
        csp_override(settings.TOTP_ACTIVATE_CSP)(activate_totp),
        name="mfa_activate_totp",
    ),
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
            views.media,
        )
    ]

# The site's own error pages; under htmx, a message in the page's error region (core/refusals.py).
handler400 = "core.refusals.bad_request"
handler403 = "core.refusals.permission_denied"
handler404 = "core.refusals.page_not_found"
handler500 = "core.refusals.server_error"
# allauth's rate limits answer through this one (allauth.core.internal.ratelimit.respond_429).
handler429 = "core.refusals.too_many_requests"
