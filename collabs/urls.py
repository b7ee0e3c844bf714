from django.urls import path

from collabs import views

app_name = "collabs"

urlpatterns = [
    path("collabs/", views.collab_list, name="list"),
    path("collabs/nominate/", views.nominate, name="nominate"),
    path("collabs/<slug:slug>/", views.collab_detail, name="detail"),
    path("collabs/<slug:slug>/vote/", views.vote, name="vote"),
    path("artists/<slug:slug>/", views.artist_detail, name="artist"),
    path("top/", views.top, name="top"),
    path("top/<int:year>/", views.top, name="top_year"),
    path("rise/", views.rise_page, name="rise"),
    path("graph/", views.graph, name="graph"),
]
