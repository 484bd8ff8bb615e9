"""Issue 15, item 1: a staff member allowed to view and change users cannot make
themselves (or anyone) superuser, staff, a group member or a permission holder, cannot
set another account's password, and cannot change a staff account. Services check the
permission, not `is_staff`; ids in admin URLs are ASCII integers."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from square.ids import parse_id
from square.models import Comment, Post, User
from square.services.accounts import user_deactivate
from square.services.comments import comment_hide, comment_restore
from square.services.moderation import user_ban, user_unban
from square.services.posts import post_hide, post_restore
from square.tests.factories import (
    PASSWORD,
    CommentFactory,
    PostFactory,
    ServicePostFactory,
    UserFactory,
    image_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def staff_with(*codenames, username="clerk", **extra) -> User:
    user = UserFactory(username=username, **{"is_staff": True, **extra})
    for full in codenames:
        app_label, codename = full.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def clerk():
    return staff_with("square.view_user", "square.change_user")


@pytest.fixture
def root():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def change_form(user: User) -> dict:
    """What the narrow form shows, as a browser would post it back, plus the forbidden
    fields an attacker adds by hand."""
    group = Group.objects.create(name="all-powerful")
    group.permissions.set(Permission.objects.all())
    everything = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    return {
        "username": "renamed",
        "is_active": "on",
        "display_name": "New name",
        "bio": "",
        "is_superuser": "on",
        "is_staff": "on",
        "is_official": "on",
        "groups": [str(group.pk)],
        "user_permissions": everything,
        "email": "attacker@example.com",
        "password": "pbkdf2_sha256$1$x$y",
    }


def powers(user: User) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (
        user.is_superuser,
        user.is_staff,
        user.is_official,
        user.username,
        user.email,
        user.password,
        sorted(user.groups.values_list("pk", flat=True)),
        sorted(user.user_permissions.values_list("pk", flat=True)),
    )


def test_escalation_on_own_change_form_changes_nothing(client, clerk):
    client.force_login(clerk)
    before = powers(clerk)
    response = client.post(f"/admin/square/user/{clerk.pk}/change/", change_form(clerk))
    assert response.status_code == 403  # staff accounts are for superusers to change
    assert powers(clerk) == before
    assert not User.objects.get(pk=clerk.pk).has_perm("square.delete_user")


def test_escalation_on_a_members_change_form_changes_only_the_profile(client, clerk):
    member = UserFactory(username="carol", display_name="Carol")
    client.force_login(clerk)
    before = powers(member)
    response = client.post(f"/admin/square/user/{member.pk}/change/", change_form(member))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert powers(member) == before  # the forbidden fields were ignored by the server
    assert User.objects.get(pk=member.pk).display_name == "New name"  # the narrow form works


def test_narrow_form_does_not_show_the_powers(client, clerk):
    member = UserFactory(username="carol")
    client.force_login(clerk)
    page = client.get(f"/admin/square/user/{member.pk}/change/").content.decode()
    for name in ("is_superuser", "is_staff", "groups", "user_permissions", "password"):
        assert f'name="{name}"' not in page
    assert 'name="display_name"' in page


def test_superuser_target_cannot_be_changed_by_staff(client, clerk, root):
    client.force_login(clerk)
    before = powers(root)
    response = client.post(f"/admin/square/user/{root.pk}/change/", change_form(root))
    assert response.status_code == 403
    assert powers(root) == before


@pytest.mark.parametrize("target", ["self", "member", "root"])
def test_password_view_is_for_superusers_only(client, clerk, root, target):
    account = {"self": clerk, "member": UserFactory(username="carol"), "root": root}[target]
    client.force_login(clerk)
    url = f"/admin/square/user/{account.pk}/password/"
    assert client.get(url).status_code == 403
    data = {"password1": "a-new-pass-phrase-9", "password2": "a-new-pass-phrase-9"}
    data["set_usable_password"] = "true"
    before = User.objects.get(pk=account.pk).password
    assert client.post(url, data).status_code == 403
    assert User.objects.get(pk=account.pk).password == before


def test_superuser_may_still_set_a_password_and_grant(client, root):
    member = UserFactory(username="carol")
    client.force_login(root)
    url = f"/admin/square/user/{member.pk}/password/"
    data = {"password1": "a-new-pass-phrase-9", "password2": "a-new-pass-phrase-9"}
    data["set_usable_password"] = "true"
    assert client.post(url, data).status_code == 302
    assert User.objects.get(pk=member.pk).check_password("a-new-pass-phrase-9")
    page = client.get(f"/admin/square/user/{member.pk}/change/").content.decode()
    assert 'name="is_superuser"' in page and 'name="user_permissions"' in page


def test_groups_are_changed_by_superusers_only(client):
    clerk = staff_with("auth.view_group", "auth.change_group", "auth.add_group")
    group = Group.objects.create(name="helpers")
    client.force_login(clerk)
    assert client.get(f"/admin/auth/group/{group.pk}/change/").status_code == 200  # read-only
    everything = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "x", "permissions": everything})
    assert client.post("/admin/auth/group/add/", {"name": "mine"}).status_code == 403
    group.refresh_from_db()
    assert group.name == "helpers" and not group.permissions.exists()
    assert not Group.objects.filter(name="mine").exists()


# --- services check the permission, not is_staff ---------------------------------------


@pytest.fixture
def bare_staff():
    return staff_with(username="staffer")


def test_staff_without_permission_cannot_hide_or_restore(bare_staff):
    post = PostFactory()
    comment = CommentFactory(post=post)
    with pytest.raises(PermissionDenied):
        post_hide(post=post, staff=bare_staff)
    with pytest.raises(PermissionDenied):
        comment_hide(comment=comment, staff=bare_staff)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.HIDDEN)
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.HIDDEN)
    with pytest.raises(PermissionDenied):
        post_restore(post=post, staff=bare_staff)
    with pytest.raises(PermissionDenied):
        comment_restore(comment=comment, staff=bare_staff)


def test_moderator_hides_and_restores():
    moderator = staff_with("square.moderate", username="mod")
    post = ServicePostFactory(author=UserFactory(), body="spam")
    assert post_hide(post=post, staff=moderator).status == Post.Status.HIDDEN
    assert post_restore(post=post, staff=moderator).status == Post.Status.PUBLISHED


def test_deactivate_needs_change_user_and_spares_staff(bare_staff, clerk, root):
    member = UserFactory(username="carol")
    with pytest.raises(PermissionDenied):
        user_deactivate(user=member, staff=bare_staff)
    assert User.objects.get(pk=member.pk).is_active
    other_staff = staff_with(username="colleague")
    with pytest.raises(PermissionDenied):
        user_deactivate(user=other_staff, staff=clerk)
    assert User.objects.get(pk=other_staff.pk).is_active
    user_deactivate(user=member, staff=clerk)
    assert not User.objects.get(pk=member.pk).is_active
    user_deactivate(user=other_staff, staff=root)
    assert not User.objects.get(pk=other_staff.pk).is_active


def test_ban_needs_ban_user_or_moderate(bare_staff):
    member = UserFactory(username="carol")
    with pytest.raises(PermissionDenied):
        user_ban(user=member, actor=bare_staff, reason="spam")
    manager = staff_with("square.ban_user", username="manager")
    assert user_ban(user=member, actor=manager, reason="spam").banned_at is not None
    with pytest.raises(PermissionDenied):
        user_unban(user=member, actor=bare_staff, reason="sorry")
    assert user_unban(user=member, actor=manager, reason="sorry").banned_at is None


def test_a_permission_on_a_non_staff_account_grants_nothing():
    member = staff_with("square.moderate", username="sneaky", is_staff=False)
    with pytest.raises(PermissionDenied):
        post_hide(post=PostFactory(), staff=member)


# --- ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7", 7), ("²", None), ("٣", None), (" 7", None), ("7_0", None), ("-1", None),
     ("0", None), ("+7", None), ("9" * 19, None), (str(2**63 - 1), 2**63 - 1), ("", None),
     ("1e3", None), (None, None)],
)  # fmt: skip
def test_parse_id_accepts_ascii_integers_only(text, expected):
    assert parse_id(text) == expected


def test_superscript_id_in_the_moderation_queue_is_not_a_500(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    for odd in ("%C2%B2", "%D9%A3", "1_0", "%EF%BC%91"):
        response = client.get(f"/admin/square/postunderreview/{odd}/change/")
        assert response.status_code == 302  # "does not exist", back to the list


def test_login_with_password_still_works_for_clerk(client, clerk):
    assert client.login(username="clerk", password=PASSWORD)


@pytest.mark.parametrize("upto", ["٣", "²", "1_0", " 1"])
def test_mark_read_takes_ascii_ids_only(client, upto):
    client.force_login(UserFactory(username="reader"))
    response = client.post("/notifications/read/", {"upto": upto})
    assert response.status_code == 400  # "This form is out of date", never int("٣") == 3


def test_deactivate_action_skips_staff_accounts_for_user_managers(client, clerk):
    member, colleague = UserFactory(username="carol"), staff_with(username="colleague")
    client.force_login(clerk)
    data = {"action": "deactivate", "index": "0",
            "_selected_action": [str(member.pk), str(colleague.pk)]}  # fmt: skip
    response = client.post("/admin/square/user/", data)
    assert response.status_code == 302  # a message, not a 403 page halfway through
    assert not User.objects.get(pk=member.pk).is_active
    assert User.objects.get(pk=colleague.pk).is_active


def test_staff_accounts_are_banned_by_superusers_only(root):
    manager = staff_with("square.ban_user", username="manager")
    colleague = staff_with(username="colleague")
    with pytest.raises(ValidationError):
        user_ban(user=colleague, actor=manager, reason="rival")
    assert User.objects.get(pk=colleague.pk).banned_at is None
    assert user_ban(user=colleague, actor=root, reason="left").banned_at is not None


def _avatar_form(member: User, avatar) -> dict:
    return {"is_active": "on", "display_name": member.display_name, "bio": "", "avatar": avatar}


def test_an_avatar_set_in_the_admin_is_checked_and_re_encoded_like_a_members(client, clerk):
    """The model field alone stored the uploaded bytes (metadata included) at any size."""
    member = UserFactory(username="dora", display_name="Dora")
    client.force_login(clerk)
    huge = upload("huge.png", image_bytes("PNG", size=(8000, 5000)), "image/png")
    response = client.post(f"/admin/square/user/{member.pk}/change/", _avatar_form(member, huge))
    assert response.status_code == 200  # the form again, with the reason
    assert "avatar" in response.context["adminform"].form.errors
    assert not User.objects.get(pk=member.pk).avatar

    photo = upload("photo.jpg", image_bytes("JPEG", size=(900, 600)), "image/jpeg")
    response = client.post(f"/admin/square/user/{member.pk}/change/", _avatar_form(member, photo))
    assert response.status_code == 302
    stored = User.objects.get(pk=member.pk).avatar
    with Image.open(stored) as img:
        assert img.size == (256, 256)  # re-encoded to the avatar's square, not kept as sent
