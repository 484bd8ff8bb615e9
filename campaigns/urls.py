from django.urls import path

from campaigns.views import pages, results

app_name = "campaigns"

urlpatterns = [
    path("", pages.campaign_index, name="list"),
    path("draw.py", results.draw_script, name="draw_script"),
    path("<slug:slug>/", pages.detail, name="detail"),
    path("<slug:slug>/leaderboard/", pages.leaderboard, name="leaderboard"),
    path("<slug:slug>/new-voices/", pages.new_voices_page, name="new_voices"),
    path("<slug:slug>/results/", results.results, name="results"),
    path("<slug:slug>/results/me/", results.results_mine, name="results_mine"),
    path("<slug:slug>/results.json", results.results_json, name="results_json"),
    path("<slug:slug>/lists/<slug:kind>.txt", results.list_download, name="list_download"),
]
