"""Benchmark-only URLs, included by square/project/urls.py when SQUARE_BENCH_URLS is on."""

from django.urls import path

from bench import views

app_name = "bench"

urlpatterns = [
    path("bare/", views.bare, name="bare"),
    path("list/", views.minimal_list, name="list"),
]
