from django.urls import path

from campaigns import views, views_results

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_index, name="list"),
    path("draw.py", views_results.draw_script, name="draw_script"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/leaderboard/", views.leaderboard, name="leaderboard"),
    path("<slug:slug>/new-voices/", views.new_voices_page, name="new_voices"),
    path("<slug:slug>/results/", views_results.results, name="results"),
    path("<slug:slug>/results.json", views_results.results_json, name="results_json"),
    path("<slug:slug>/lists/<slug:kind>.txt", views_results.list_download, name="list_download"),
]
