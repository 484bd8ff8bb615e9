from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_index, name="list"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/leaderboard/", views.leaderboard, name="leaderboard"),
    path("<slug:slug>/new-voices/", views.new_voices_page, name="new_voices"),
]
