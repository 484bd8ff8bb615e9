from pathlib import Path

import pytest
from django.core.cache import caches
from django.utils import translation

from square.tests.factories import PASSWORD, UserFactory, image_bytes, moderator_user, upload
from square.tests.hostile import World


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test writes its uploads to its own empty folder."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def _clear_cache():
    """Trending topics and card fragments are cached; no test may see another's."""
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture
def media_files(media_root):
    """A callable listing every file under MEDIA_ROOT (to prove nothing was written)."""

    def files() -> list[Path]:
        return sorted(p for p in Path(media_root).rglob("*") if p.is_file())

    return files


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_user(db):
    return UserFactory(username="bob")


@pytest.fixture
def staff_user(db):
    """Staff who moderate and manage accounts: the permissions hiding, restoring and
    deactivating need (the services check them, not `is_staff`; issue 15)."""
    return moderator_user("moderator", extra_permissions=("change_user", "view_user"))


@pytest.fixture
def auth_client(client, user):
    """A client logged in as `user` (alice)."""
    client.force_login(user)
    return client


@pytest.fixture
def other_client(client, other_user):
    """A client logged in as `other_user` (bob)."""
    client.force_login(other_user)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def jpeg_upload():
    """A callable making a fresh, valid JPEG upload."""

    def make(name="photo.jpg", **options):
        return upload(name, image_bytes("JPEG", **options), "image/jpeg")

    return make


@pytest.fixture
def english(settings):
    """For tests that match messages in English (the site's default is Chinese)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def moderator():
    """Staff with the moderation permission, and nothing else."""
    return moderator_user()


@pytest.fixture
def world(db, media_files, settings):
    """The people, posts and ids the hostile-input cases act on (square.tests.hostile)."""
    return World(media_files, settings)
