"""The site's URLs plus the benchmark's, for in-process runs (the tests) where
square.project.urls was imported with SQUARE_BENCH_URLS off."""

from django.conf import settings
from django.urls import include, path

from square.project.urls import urlpatterns as square_urlpatterns

urlpatterns = list(square_urlpatterns)
if not settings.SQUARE_BENCH_URLS:  # else square.project.urls has them already
    urlpatterns.append(path("bench/", include("bench.urls")))
