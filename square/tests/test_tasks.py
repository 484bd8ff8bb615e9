"""The square's background tasks: each runs its service, and the production backend
(tasks stored in the database, run by `manage.py db_worker`) runs them too."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.tasks import TaskResultStatus
from PIL import Image

from square.images import THUMB_BOX
from square.models import Post, PostBand, PostImage, User
from square.services.interactions import like_create
from square.services.posts import post_create
from square.tasks import counters_rebuild, duplicate_index_rebuild, thumbnails_rebuild
from square.tests.factories import ServicePostFactory, image_bytes, upload

pytestmark = pytest.mark.django_db

LONG_TEXT = (
    "去年冬天我第一次一个人坐夜车去哈尔滨看冰雕，零下二十多度的晚上，手机冻得自动关机，"
    "我只好凭着记忆在中央大街上找回旅馆的路。路边卖冻梨的大爷看我迷路，塞给我一个热乎的烤红薯。"
)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_counters_task_recounts_from_the_rows(user, other_user):
    post = ServicePostFactory(author=user, body="counted")
    like_create(user=other_user, post=post)
    Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 41)
    User.objects.filter(pk=user.pk).update(post_count=0)

    result = counters_rebuild.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["post.like_count"] == 1
    assert result.return_value["user.post_count"] == 1
    assert Post.objects.get(pk=post.pk).like_count == 1
    assert User.objects.get(pk=user.pk).post_count == 1


def test_the_duplicate_index_task_rebuilds_the_index(user):
    post = ServicePostFactory(author=user, body=LONG_TEXT)
    before = sorted(PostBand.objects.filter(post=post).values_list("key", flat=True))
    assert before
    PostBand.objects.all().delete()

    result = duplicate_index_rebuild.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"posts": 1, "keys": len(before)}
    assert sorted(PostBand.objects.filter(post=post).values_list("key", flat=True)) == before


def _thumbnail_size(image: PostImage) -> tuple[int, int]:
    with image.thumbnail.open("rb") as handle:
        img = Image.open(io.BytesIO(handle.read()))
        assert img.format == "JPEG"
        return img.size


def test_the_thumbnails_task_makes_a_lost_thumbnail_anew(user, media_root):
    post = post_create(
        author=user,
        body="a wide picture",
        images=[upload("w.png", image_bytes("PNG", (1600, 400)))],
    )
    image = post.images.get()
    made_in_request = _thumbnail_size(image)
    assert made_in_request == (THUMB_BOX[0], 180)  # the synchronous path made it
    old = Path(media_root) / image.thumbnail.name
    old.unlink()  # lost

    result = thumbnails_rebuild.enqueue(post.pk)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    image.refresh_from_db()
    assert (Path(media_root) / image.thumbnail.name).exists()
    assert _thumbnail_size(image) == made_in_request


def test_the_thumbnails_task_replaces_the_file_and_removes_the_old_one(user, media_root):
    post = post_create(author=user, body="pictures", images=[upload("a.jpg", image_bytes())])
    old_name = post.images.get().thumbnail.name

    assert thumbnails_rebuild.enqueue(post.pk).return_value == 1

    new_name = PostImage.objects.get(post=post).thumbnail.name
    assert new_name != old_name
    assert not (Path(media_root) / old_name).exists()
    assert (Path(media_root) / new_name).exists()


def test_the_thumbnails_task_skips_what_is_gone(user, media_root):
    post = post_create(author=user, body="pictures", images=[upload("a.jpg", image_bytes())])
    (Path(media_root) / post.images.get().image.name).unlink()

    assert thumbnails_rebuild.enqueue(post.pk).return_value == 0
    assert thumbnails_rebuild.enqueue(10**9).return_value == 0  # no such post


def test_a_task_enqueued_on_commit_runs_after_the_commit(user, django_capture_on_commit_callbacks):
    post = post_create(author=user, body="pictures", images=[upload("a.jpg", image_bytes())])
    old_name = post.images.get().thumbnail.name
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            transaction.on_commit(lambda: thumbnails_rebuild.enqueue(post.pk))
        assert PostImage.objects.get(post=post).thumbnail.name == old_name  # not yet
    assert len(callbacks) == 1
    assert PostImage.objects.get(post=post).thumbnail.name != old_name


@pytest.mark.django_db(transaction=True)  # the worker commits and reconnects as in production
def test_the_database_backend_queues_and_the_worker_runs(settings, user):
    """The production path: enqueue stores a row, `db_worker --batch` runs it."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    post = ServicePostFactory(author=user, body="counted")
    Post.objects.filter(pk=post.pk).update(like_count=7)

    result = counters_rebuild.enqueue()
    assert result.status == TaskResultStatus.READY
    assert Post.objects.get(pk=post.pk).like_count == 7  # nothing ran yet

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert Post.objects.get(pk=post.pk).like_count == 0
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["post.like_count"] == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
