import re

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.static import serve

from square.views import (
    accounts,
    cashtags,
    feed,
    interactions,
    language,
    moderation,
    notifications,
    posts,
    search,
)

FAVICON = lazy(static_url, str)("img/favicon.svg")

urlpatterns = [
    path("", feed.home, name="home"),
    path("tags/<str:tag>/", feed.topic, name="topic"),
    path("search/", search.search_page, name="search"),
    path("cashtags/<str:symbol>/", cashtags.cashtag, name="cashtag"),
    path("compose/", posts.compose, name="compose"),
    path("posts/<int:pk>/", posts.detail, name="post_detail"),
    path("posts/<int:pk>/edit/", posts.edit, name="post_edit"),
    path("posts/<int:pk>/delete/", posts.delete, name="post_delete"),
    path("posts/<int:pk>/history/", posts.history, name="post_history"),
    path("posts/<int:pk>/like/", interactions.like, name="post_like"),
    path("posts/<int:pk>/repost/", interactions.repost, name="post_repost"),
    path("posts/<int:pk>/comments/", interactions.comment, name="post_comment"),
    path("posts/<int:pk>/report/", moderation.report, name="post_report"),
    path("posts/<int:pk>/appeal/", moderation.appeal, name="post_appeal"),
    path("comments/<int:pk>/", posts.thread, name="comment_thread"),
    path("comments/<int:pk>/delete/", interactions.comment_remove, name="comment_delete"),
    path("notifications/", notifications.index, name="notifications"),
    path("notifications/read/", notifications.mark_read, name="notifications_read"),
    path("campaigns/", include("campaigns.urls")),
    path("me/", include("campaigns.urls_me")),
    path("u/<str:username>/", accounts.profile, name="profile"),
    path("u/<str:username>/follow/", interactions.follow, name="follow"),
    path("u/<str:username>/followers/", accounts.followers, name="followers"),
    path("u/<str:username>/following/", accounts.following, name="following"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", accounts.profile_edit, name="profile_edit"),
    path("i18n/language/", language.language_choose, name="language_choose"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Resolved per request: with the manifest storage the URL exists only after collectstatic.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static_url, str)("img/favicon.svg"), permanent=True),
    ),
]

if settings.SERVE_MEDIA:
    # `static()` serves only in DEBUG; `make serve` on one machine serves uploads too.
    media = re_path(
        rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
        serve,
        {"document_root": settings.MEDIA_ROOT},
    )
    urlpatterns.append(media)

if settings.SQUARE_BENCH_URLS:  # the benchmark's yardsticks (bench/urls.py), off by default
    urlpatterns.append(path("bench/", include("bench.urls")))
