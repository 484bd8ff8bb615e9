"""One read-only admin base for both apps: what the services write, staff only read."""

import pytest
from django.contrib import admin

from square.project.read_only_admin import ReadOnlyAdmin, ReadOnlyMixin

# Every admin page of records the services keep (labels, so square imports no campaigns).
READ_ONLY = {
    "square.like",
    "square.follow",
    "square.notification",
    "square.duplicateflag",
    "square.report",
    "square.appeal",
    "square.moderationaction",
    "campaigns.entry",
    "campaigns.award",
    "campaigns.auditevent",
    "campaigns.snapshot",
    "campaigns.tierdraw",
}


def _registered() -> dict:
    return {
        model._meta.label_lower: model_admin for model, model_admin in admin.site._registry.items()
    }


def test_the_base_refuses_every_write(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    from_base = ReadOnlyAdmin(admin.models.LogEntry, admin.site)
    assert not from_base.has_add_permission(request)
    assert not from_base.has_change_permission(request)
    assert not from_base.has_delete_permission(request)


@pytest.mark.parametrize("label", sorted(READ_ONLY))
def test_both_apps_records_are_shown_through_the_one_base(label, rf, admin_user):
    model_admin = _registered()[label]
    assert isinstance(model_admin, ReadOnlyMixin)
    request = rf.get("/")
    request.user = admin_user  # even a superuser writes them only through the services
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, None)
    assert not model_admin.has_delete_permission(request, None)


@pytest.mark.django_db
def test_a_superuser_finds_no_add_button_on_likes(admin_client):
    html = admin_client.get("/admin/square/like/").content.decode()
    assert "/admin/square/like/add/" not in html
