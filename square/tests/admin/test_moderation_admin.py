"""The moderation queue in the admin: who sees it, what it lists and in which order,
the case page (two texts side by side, shared passages marked, user text escaped), the
four decisions through `moderation_decide`, the read-only integrity lists, and bans
from the user list."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.utils import timezone

from square.models import Appeal, DuplicateFlag, ModerationAction, Post, Report, User
from square.services.moderation import appeal_create, report_create, user_ban
from square.services.posts import post_create
from square.tests.factories import UserFactory, moderator_user

pytestmark = pytest.mark.django_db

QUEUE = "/admin/square/postunderreview/"
ORIGINAL = (
    "去年冬天我第一次一个人坐夜车去哈尔滨看冰雕，零下二十多度的晚上，手机冻得自动关机，"
    "我只好凭着记忆在中央大街上找回旅馆的路。路边卖冻梨的大爷看我迷路，塞给我一个热乎的烤红薯，"
    "还把我领到了路口。那一刻我突然明白，所谓远方，不是风景有多壮观，而是陌生人递过来的那一点温度。"
    "今年我想把这份温度传下去，每个月至少帮一个陌生人做一件小事。"
)
SCRIPT = "<script>alert(1)</script>"


def case(post) -> str:
    return f"{QUEUE}{post.pk}/change/"


def write(author, body, minutes_ago):
    return post_create(
        author=author, body=body, created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def copy_of(text: str) -> str:
    return text.replace("哈尔滨", "长春").replace("冻梨", "糖葫芦")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def pair():
    """An original by alice and a copy of it by bob, with a few words changed."""
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    original = write(alice, ORIGINAL, minutes_ago=60)
    copy = write(bob, copy_of(ORIGINAL), minutes_ago=5)
    return original, copy


def test_the_queue_lists_a_copied_post_with_its_flag(mod_client, pair):
    original, copy = pair
    flag = DuplicateFlag.objects.get(post=copy)
    response = mod_client.get(QUEUE)
    assert response.status_code == 200
    assert [p.pk for p in response.context["cl"].result_list] == [copy.pk]
    html = response.content.decode()
    assert case(copy) in html
    assert f"{flag.similarity * 100:.0f}%" in html and f"#{original.pk}" in html
    assert "(UTC+8)" in html


def test_most_reported_first_then_newest(mod_client, pair):
    original, copy = pair
    carol, dave = UserFactory(username="carol"), UserFactory(username="dave")
    older = write(carol, "一条有人举报的旧帖子，内容很普通。", minutes_ago=30)
    newer = write(carol, "一条有人举报的新帖子，内容也很普通。", minutes_ago=2)
    report_create(reporter=dave, post=older, reason=Report.Reason.SPAM)
    report_create(reporter=original.author, post=older, reason=Report.Reason.ABUSE)
    report_create(reporter=dave, post=newer, reason=Report.Reason.SPAM)
    rows = mod_client.get(QUEUE).context["cl"].result_list
    assert [p.pk for p in rows] == [older.pk, newer.pk, copy.pk]
    filtered = mod_client.get(QUEUE, {"open": "copy"}).context["cl"].result_list
    assert [p.pk for p in filtered] == [copy.pk]
    searched = mod_client.get(QUEUE, {"q": "bob"}).context["cl"].result_list
    assert [p.pk for p in searched] == [copy.pk]


def test_the_case_page_shows_both_texts_marked_and_escaped(mod_client):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    original = write(alice, ORIGINAL + SCRIPT, minutes_ago=60)
    copy = write(bob, SCRIPT + copy_of(ORIGINAL) + "<b>bold</b>", minutes_ago=5)
    assert DuplicateFlag.objects.filter(post=copy, source=original).exists()
    response = mod_client.get(case(copy))
    assert response.status_code == 200
    html = response.content.decode()
    mine, theirs = html.split('id="case-text"')[1].split('id="case-source"')
    assert "<mark>" in mine and "<mark>" in theirs
    assert "去年冬天我第一次一个人坐夜车去" in mine and "哈尔滨" in theirs
    assert SCRIPT not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mine.replace("<mark>", "").replace(
        "</mark>", ""
    )
    assert "&lt;b&gt;bold&lt;/b&gt;" in mine
    assert 'name="action" value="confirm"' in html and 'name="reason"' in html


def test_the_case_page_compares_with_the_original_a_report_names(mod_client):
    alice, bob, carol = (UserFactory(username=n) for n in ("alice", "bob", "carol"))
    original = write(
        alice, "海边的日出真美，我们五点就起床了，等了一个小时终于看到太阳跳出海面。", 60
    )
    post = write(bob, "山里的日落也很美，我们等了一个小时终于看到太阳慢慢落下去。", 5)
    report_create(
        reporter=carol, post=post, reason="plagiarism", original_link=f"/posts/{original.pk}/"
    )
    appeal_text = "这是我自己写的 <i>真的</i>"
    Appeal.objects.create(post=post, author=bob, text=appeal_text)
    html = mod_client.get(case(post)).content.decode()
    source_side = html.split('id="case-source"')[1].split('id="case-flags"')[0]
    assert f"#{original.pk}" in source_side and "海边的日出真" in source_side
    assert "<mark>等了一个小时终于看到太阳</mark>" in source_side
    assert "&lt;i&gt;真的&lt;/i&gt;" in html


def decide(client, post, action, reason="copied word for word from alice"):
    return client.post(case(post), {"action": action, "reason": reason})


@pytest.mark.parametrize("action", ["confirm", "clear", "hide", "ban"])
def test_each_decision_changes_state_and_is_recorded(mod_client, moderator, pair, action):
    original, copy = pair
    report_create(reporter=original.author, post=copy, reason=Report.Reason.SPAM)
    response = decide(mod_client, copy, action)
    assert response.status_code == 302 and response.url == QUEUE
    flag, report = DuplicateFlag.objects.get(post=copy), Report.objects.get(post=copy)
    copy.refresh_from_db()
    author = User.objects.get(pk=copy.author_id)
    if action in ("confirm", "clear"):
        assert flag.status == {"confirm": "confirmed", "clear": "cleared"}[action]
        assert flag.reviewed_by == moderator and flag.reviewed_at is not None
    assert report.status == ("dismissed" if action == "clear" else "upheld")
    assert copy.status == ("hidden" if action == "hide" else "published")
    assert (author.banned_at is not None) == (action == "ban")
    record = ModerationAction.objects.get()
    assert (record.action, record.actor, record.post, record.user) == (
        action,
        moderator,
        Post.objects.get(pk=copy.pk),
        author,
    )
    assert record.reason == "copied word for word from alice"
    assert record.created_at is not None
    assert any(f"#{copy.pk}" in m for m in messages_of(response))


def test_decided_cases_leave_the_queue_and_show_their_history(mod_client, moderator, pair):
    copy = pair[1]
    decide(mod_client, copy, "confirm")
    assert list(mod_client.get(QUEUE).context["cl"].result_list) == []
    html = mod_client.get(case(copy)).content.decode()
    assert "copied word for word from alice" in html and moderator.username in html


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decision_without_a_reason_changes_nothing(mod_client, pair, reason):
    copy = pair[1]
    response = decide(mod_client, copy, "hide", reason=reason)
    assert response.status_code == 200
    assert messages_of(response)  # the service's message, shown as an admin error
    copy.refresh_from_db()
    assert copy.status == "published"
    assert DuplicateFlag.objects.get(post=copy).status == "pending"
    assert not ModerationAction.objects.exists()


def test_an_unknown_decision_is_an_error_not_a_crash(mod_client, pair):
    copy = pair[1]
    response = decide(mod_client, copy, "delete-everything")
    assert response.status_code == 200 and messages_of(response)
    assert not ModerationAction.objects.exists()


def test_banning_an_author_already_banned_is_an_error_not_a_crash(mod_client, moderator, pair):
    copy = pair[1]
    user_ban(user=copy.author, actor=moderator, reason="spam elsewhere")
    html = mod_client.get(case(copy)).content.decode()
    assert 'value="ban"' not in html
    response = decide(mod_client, copy, "ban")
    assert response.status_code == 200 and messages_of(response)
    assert ModerationAction.objects.count() == 1
    assert DuplicateFlag.objects.get(post=copy).status == "pending"


def test_staff_without_the_permission_get_403_and_change_nothing(client, pair):
    copy = pair[1]
    client.force_login(UserFactory(username="helper", is_staff=True))
    assert client.get(QUEUE).status_code == 403
    assert client.get(case(copy)).status_code == 403
    assert decide(client, copy, "hide").status_code == 403
    for path in ("duplicateflag", "report", "appeal", "moderationaction"):
        assert client.get(f"/admin/square/{path}/").status_code == 403
    copy.refresh_from_db()
    assert copy.status == "published" and not ModerationAction.objects.exists()
    index = client.get("/admin/").content.decode()
    assert QUEUE not in index


def test_a_moderator_who_left_staff_is_refused(client, pair):
    copy = pair[1]
    former = moderator_user("former", is_active=True)
    former.is_staff = False
    former.save()
    client.force_login(former)
    assert decide(client, copy, "hide").status_code == 302  # to the login page
    copy.refresh_from_db()
    assert copy.status == "published"


@pytest.mark.parametrize("staff", [False, None])
def test_members_and_visitors_are_sent_to_the_login_page(client, pair, staff):
    copy = pair[1]
    if staff is not None:
        client.force_login(copy.author)
    for path in (QUEUE, case(copy)):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response.url
    response = decide(client, copy, "clear")
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert DuplicateFlag.objects.get(post=copy).status == "pending"


def test_the_moderation_permission_shows_the_queue_on_the_index(mod_client):
    html = mod_client.get("/admin/").content.decode()
    assert QUEUE in html


def test_the_queue_page_reads_a_bounded_number_of_rows(client, django_assert_max_num_queries, pair):
    original = pair[0]
    reporters = [UserFactory() for _ in range(3)]
    for i in range(19):
        author = UserFactory()
        post = write(author, copy_of(ORIGINAL) + f"第{i}次", minutes_ago=4)
        for reporter in reporters[: i % 4]:
            report_create(reporter=reporter, post=post, reason=Report.Reason.PLAGIARISM,
                          original_link=f"/posts/{original.pk}/")  # fmt: skip
        if i % 5 == 0:
            appeal_create(author=author, post=post, text="我没有抄")
    client.force_login(moderator_user())
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)
    assert len(response.context["cl"].result_list) == 20


def test_the_case_page_links_its_stylesheet_from_static(mod_client, pair):
    _original, copy = pair
    html = mod_client.get(case(copy)).content.decode()
    assert "/static/css/moderation.css" in html
    assert "<style" not in html  # the CSP allows no inline style


@pytest.mark.parametrize("path", ["duplicateflag", "report", "appeal", "moderationaction"])
def test_the_integrity_records_are_listed_read_only(mod_client, moderator, pair, path):
    original, copy = pair
    report_create(reporter=original.author, post=copy, reason=Report.Reason.SPAM)
    Appeal.objects.create(post=copy, author=copy.author, text="我没有抄")
    decide(mod_client, copy, "hide")
    response = mod_client.get(f"/admin/square/{path}/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert case(copy) in response.content.decode()
    assert mod_client.get(f"/admin/square/{path}/add/").status_code == 403
    row = response.context["cl"].result_list[0]
    assert mod_client.post(f"/admin/square/{path}/{row.pk}/delete/").status_code == 403


@pytest.fixture
def user_admin_client(client):
    """A moderator who may also browse accounts."""
    user = moderator_user("usermod")
    user.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(user)
    return client


def test_ban_and_unban_from_the_user_list_ask_for_a_reason(user_admin_client):
    member = UserFactory(username="spammer")
    form = {"action": "ban", "_selected_action": [member.pk]}
    page = user_admin_client.post("/admin/square/user/", form)
    assert page.status_code == 200 and b'name="reason"' in page.content
    empty = user_admin_client.post("/admin/square/user/", {**form, "post": "yes", "reason": ""})
    assert empty.status_code == 200
    member.refresh_from_db()
    assert member.banned_at is None
    done = user_admin_client.post("/admin/square/user/", {**form, "post": "yes", "reason": "ads"})
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.banned_at is not None and member.ban_reason == "ads"
    form["action"] = "unban"
    user_admin_client.post("/admin/square/user/", {**form, "post": "yes", "reason": "appeal ok"})
    member.refresh_from_db()
    assert member.banned_at is None
    assert list(ModerationAction.objects.values_list("action", "reason")) == [
        ("unban", "appeal ok"),
        ("ban", "ads"),
    ]


def test_ban_actions_need_the_moderation_permission(client):
    staff = UserFactory(username="helper", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(staff)
    member = UserFactory(username="spammer")
    page = client.get("/admin/square/user/").content.decode()
    assert 'value="ban"' not in page
    form = {"action": "ban", "_selected_action": [member.pk], "post": "yes", "reason": "ads"}
    client.post("/admin/square/user/", form)
    member.refresh_from_db()
    assert member.banned_at is None
