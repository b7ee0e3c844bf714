"""The site's URLs plus /__ceiling__/: a trivial view rendering a tiny template.

It measures what Django itself costs per request on this machine (the same middleware,
no query), so the benchmark can report every page as a share of it.
"""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from config.urls import urlpatterns as site_urlpatterns


@require_GET
def ceiling(request):
    return render(request, "bench/ceiling.html", {"greeting": "Hello"})


urlpatterns = [path("__ceiling__/", ceiling), *site_urlpatterns]
