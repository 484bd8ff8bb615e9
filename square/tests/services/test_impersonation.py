"""Passing as someone else (issue 15 §3): the staff and official badge, names reserved
for staff, hidden characters, look-alike usernames and usernames that break URLs —
through the services and the sign-up, profile and admin pages."""

import importlib
from html import unescape

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import FileField
from django.utils import translation

from square import names
from square.models import User
from square.services.accounts import profile_update, user_create
from square.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FAMILY = "👨\u200d👩\u200d👧"
LOOKS_LIKE = "This username looks too much like @%(username)s. Please choose another."
RESERVED = "“%(word)s” is kept for Square's own accounts. Please choose another name."
HIDDEN = "A display name cannot contain invisible or text-direction characters."
STAFF_NAME = "This is the name of a Square staff or official account."
OTHER_USERNAME = "This display name looks like another member's username, @%(username)s."
DOT = "A username cannot start or end with a dot."


def shown(msgid: str, **values) -> str:
    """The message as the site shows it: in its default language, Simplified Chinese
    (the English msgid until the translation is merged)."""
    with translation.override("zh-hans"):
        message = translation.gettext(msgid)
    return message % values if values else message


def signup(client, username: str):
    data = {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", data)


def edit_profile(client, display_name: str, bio: str = ""):
    return client.post("/accounts/profile/", {"display_name": display_name, "bio": bio})


def page_text(response) -> str:
    return unescape(response.content.decode())


# --- look-alike usernames and usernames that break URLs -----------------------------------


def test_a_look_alike_of_an_existing_username_is_refused_at_sign_up(client):
    UserFactory(username="lin_xiaoyu")
    response = signup(client, "Iin_xiaoyu")  # capital I: the example
    assert response.status_code == 200
    assert shown(LOOKS_LIKE, username="lin_xiaoyu") in page_text(response)
    assert not User.objects.filter(username="Iin_xiaoyu").exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("username", ["1in_xiaoyu", "lin_xiaoyu", "LIN_XIAOYU"])
def test_other_look_alikes_are_refused_by_the_service(username):
    UserFactory(username="lin_xiaoyu")
    with pytest.raises(ValidationError) as caught:
        user_create(username=username, password=PASSWORD)
    assert "username" in caught.value.message_dict
    assert User.objects.count() == 1


@pytest.mark.parametrize(("existing", "new"), [("modern", "modem"), ("bobo", "b0b0")])
def test_rn_for_m_and_zero_for_o_are_look_alikes(existing, new):
    UserFactory(username=existing)
    with pytest.raises(ValidationError):
        user_create(username=new, password=PASSWORD)


def test_a_username_unlike_any_other_signs_up():
    UserFactory(username="lin_xiaoyu")
    user = user_create(username="lin.xiaoyu", password=PASSWORD)
    assert user.username_skeleton == "lin.xiaoyu"


def test_two_look_alikes_at_the_same_instant_cannot_both_be_stored():
    """The skeleton's unique index is the answer to a race that passes both checks."""
    UserFactory(username="lin_xiaoyu")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="Iin_xiaoyu")


def test_a_race_past_the_checks_is_a_form_error_not_a_500(monkeypatch):
    UserFactory(username="lin_xiaoyu")
    monkeypatch.setattr(User, "clean", lambda self: None)  # as if both checked at once
    with pytest.raises(ValidationError) as caught:
        user_create(username="Iin_xiaoyu", password=PASSWORD)
    assert "username" in caught.value.message_dict
    assert User.objects.count() == 1


@pytest.mark.parametrize("username", ["..", ".", ".alice", "alice."])
def test_usernames_that_are_no_url_segment_are_refused(client, username):
    response = signup(client, username)
    assert response.status_code == 200
    assert shown(DOT) in page_text(response)
    assert User.objects.count() == 0


def test_the_longest_skeleton_fits_its_column(client):
    """Every m becomes rn: 150 of them make a 300-character skeleton."""
    response = signup(client, "m" * 150)
    assert response.status_code == 302
    assert User.objects.get().username_skeleton == "rn" * 150


@pytest.mark.parametrize(
    "display_name", ["\U000e0041" * 50, "\u200d" * 50, "👨\u200d" * 16, "ⓐ" * 50, "..", "@"]
)
def test_odd_display_names_get_an_answer_never_a_500(auth_client, display_name):
    assert edit_profile(auth_client, display_name).status_code in (200, 302)


def test_older_look_alikes_keep_working(auth_client, user):
    """An account whose skeleton another already had (made before the rule, left without
    one by the migration) edits its profile as before."""
    twin = UserFactory(username="twin")
    User.objects.filter(pk=twin.pk).update(username="a1ice", username_skeleton=None)
    twin.refresh_from_db()
    profile_update(user=twin, display_name="Twin", bio="still here")
    twin.refresh_from_db()
    assert (twin.display_name, twin.username_skeleton) == ("Twin", None)


def test_the_migration_gives_the_oldest_of_two_look_alikes_the_skeleton():
    first, second, other = (UserFactory(username=n) for n in ("lin_xiaoyu", "x", "bob"))
    User.objects.filter(pk=second.pk).update(username="Iin_xiaoyu", username_skeleton=None)
    User.objects.filter(pk__in=[first.pk, other.pk]).update(username_skeleton=None)
    migration = importlib.import_module("square.migrations.0006_user_is_official")
    migration.fill_skeletons(apps, None)
    skeletons = dict(User.objects.values_list("username", "username_skeleton"))
    assert skeletons == {"lin_xiaoyu": "lin_xiaoyu", "Iin_xiaoyu": None, "bob": "bob"}


def test_the_migrations_sql_skeleton_is_the_python_one():
    usernames = ["Iin_xiaoyu", "M0DERN.1", "rn@m+I-l_0", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"]
    for username in usernames:
        UserFactory(username=username)
    migration = importlib.import_module("square.migrations.0006_user_is_official")
    in_sql = User.objects.annotate(sk=migration.skeleton_expression()).values_list("username", "sk")
    assert {name: names.username_skeleton(name) for name in usernames} == dict(in_sql)


# --- names reserved for staff -------------------------------------------------------------


@pytest.mark.parametrize(("username", "word"), [("admin", "admin"), ("square_fan", "square")])
def test_reserved_usernames_are_refused_at_sign_up(client, username, word):
    response = signup(client, username)
    assert response.status_code == 200
    assert shown(RESERVED, word=word) in page_text(response)
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("display_name", "word"),
    [
        ("广场运营小组", "运营"),
        ("admin", "admin"),
        ("Square 官方 Official", "官方"),
        ("广场 运营 小组", "运营"),
        ("廣場運營", "运营"),
        ("ａ d m 1 n", "admin"),
        ("\u0430dmin", "admin"),
    ],
)
def test_reserved_display_names_are_refused_for_members(auth_client, user, display_name, word):
    response = edit_profile(auth_client, display_name)
    assert response.status_code == 200
    assert shown(RESERVED, word=word) in page_text(response)
    user.refresh_from_db()
    assert user.display_name == ""


@pytest.mark.parametrize("flag", ["is_staff", "is_official"])
def test_staff_and_official_accounts_may_use_reserved_names(flag):
    account = UserFactory(username="ops", **{flag: True})
    profile_update(user=account, display_name="广场运营小组", bio="")
    account.refresh_from_db()
    assert account.display_name == "广场运营小组"


def test_a_name_kept_from_before_the_rule_stays(user):
    User.objects.filter(pk=user.pk).update(display_name="admin")
    user.refresh_from_db()
    profile_update(user=user, display_name="admin", bio="new bio")
    user.refresh_from_db()
    assert (user.display_name, user.bio) == ("admin", "new bio")


# --- another member's name ----------------------------------------------------------------


def test_a_display_name_passing_for_another_members_username_is_refused(auth_client, user):
    UserFactory(username="lin_xiaoyu")
    for display_name in ("lin_xiaoyu", "@Iin_xiaoyu", "ｌｉｎ＿ｘｉａｏｙｕ"):
        response = edit_profile(auth_client, display_name)
        assert response.status_code == 200
        assert shown(OTHER_USERNAME, username="lin_xiaoyu") in page_text(response)
    user.refresh_from_db()
    assert user.display_name == ""


def test_ones_own_username_is_a_fine_display_name(user):
    profile_update(user=user, display_name="@alice", bio="")
    user.refresh_from_db()
    assert user.display_name == "@alice"


def test_a_staff_accounts_display_name_is_refused_for_members(auth_client, user):
    UserFactory(username="ops", is_official=True, display_name="小广播")
    response = edit_profile(auth_client, "小 广 播")
    assert response.status_code == 200
    assert shown(STAFF_NAME) in page_text(response)
    user.refresh_from_db()
    assert user.display_name == ""


def test_members_may_share_a_display_name():
    """Real people share names (王伟), and the @username tells them apart; a look-alike
    username cannot be had (above)."""
    UserFactory(username="lin_xiaoyu", display_name="林小雨")
    other = UserFactory(username="xiaoyu2")
    profile_update(user=other, display_name="林小雨", bio="")
    other.refresh_from_db()
    assert other.display_name == "林小雨"


# --- hidden characters --------------------------------------------------------------------


@pytest.mark.parametrize(
    "display_name",
    [
        "林小雨\U000e0041",  # a tag character: the example
        "林\u200d小雨",  # ZWJ outside an emoji sequence
        "林小雨\u200d",
        "林小雨\ufe0f",
        "\U0001f3f4\U000e0061\U000e0064\U000e007f",  # tags spelling "ad" after the flag
    ],
)
def test_hidden_characters_are_refused_in_display_names(auth_client, user, display_name):
    response = edit_profile(auth_client, display_name)
    assert response.status_code == 200
    assert shown(HIDDEN) in page_text(response)
    user.refresh_from_db()
    assert user.display_name == ""


@pytest.mark.parametrize(
    "display_name",
    [
        f"林小雨 {FAMILY}",
        "❤️ 林小雨",
        "林小雨 \U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in "gbsct") + "\U000e007f",
    ],
)
def test_emoji_sequences_are_fine_in_display_names(auth_client, user, display_name):
    response = edit_profile(auth_client, display_name)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == display_name


# --- the admin ----------------------------------------------------------------------------


def test_a_superuser_grants_the_official_badge_in_the_admin(client):
    boss = User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    member = UserFactory(username="plain")
    client.force_login(boss)
    page = client.get(f"/admin/square/user/{member.pk}/change/").content.decode()
    assert 'name="is_official"' in page


def test_a_look_alike_made_in_the_admin_is_a_form_error(client):
    boss = User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    UserFactory(username="lin_xiaoyu")
    client.force_login(boss)
    data = {"username": "Iin_xiaoyu", "password1": PASSWORD, "password2": PASSWORD}
    data["usable_password"] = "true"
    response = client.post("/admin/square/user/add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["username"] == [shown(LOOKS_LIKE, username="lin_xiaoyu")]
    assert not User.objects.filter(username="Iin_xiaoyu").exists()
    data["username"] = "lin_xiaoyu2"
    assert client.post("/admin/square/user/add/", data).status_code == 302


# --- cost ---------------------------------------------------------------------------------


def test_the_checks_cost_a_few_indexed_queries(django_assert_max_num_queries):
    """A display name: the staff names (few) and one lookup of the skeleton index; a
    sign-up: one lookup of the skeleton index more than before."""
    UserFactory.create_batch(5)
    member = UserFactory(username="lin_xiaoyu")
    with django_assert_max_num_queries(5):  # savepoint, 2 checks, update, release
        profile_update(user=member, display_name="@lin_xiaoyu", bio="")
    with django_assert_max_num_queries(9):
        user_create(username="newbie", password=PASSWORD)


def _change_form_data(client, user_pk: int, **changes) -> dict:
    """What the admin's change form posts back as it is, with `changes`."""
    form = client.get(f"/admin/square/user/{user_pk}/change/").context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if field.disabled or value is None or isinstance(field, FileField):
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "strftime"):
            data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%Y-%m-%d %H:%M:%S").split()
        else:
            data[name] = getattr(value, "pk", value)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def test_staff_setting_a_members_display_name_follow_the_members_rules(staff_client):
    member = UserFactory(username="plain")
    data = _change_form_data(staff_client, member.pk, display_name="官方客服")
    response = staff_client.post(f"/admin/square/user/{member.pk}/change/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["display_name"] == [shown(RESERVED, word="官方")]
    member.refresh_from_db()
    assert member.display_name == ""


def test_a_superuser_names_an_account_made_official_at_the_same_time(client):
    boss = User.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    member = UserFactory(username="ops_team")
    client.force_login(boss)
    data = _change_form_data(client, member.pk, display_name="广场运营", is_official="on")
    response = client.post(f"/admin/square/user/{member.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert (member.display_name, member.is_official) == ("广场运营", True)
