"""Moderation services: reports, appeals, staff decisions, bans — and who may act."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from square.models import Appeal, DuplicateFlag, ModerationAction, Post, Report
from square.services.comments import comment_create
from square.services.moderation import (
    appeal_create,
    moderation_decide,
    report_create,
    user_ban,
    user_unban,
)
from square.services.posts import post_create
from square.tests.factories import UserFactory
from square.tests.services.test_duplicates import ORIGINAL, OTHER, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def pair():
    """An original and a copy of it by someone else (flagged on creation)."""
    original = write(UserFactory(username="writer"), ORIGINAL)
    copy = write(UserFactory(username="copier"), ORIGINAL + "转发自己的心得。", minutes=5)
    return original, copy


def test_a_report_is_made_once_and_never_on_ones_own_post(pair):
    _original, copy = pair
    reporter = UserFactory()
    report_create(reporter=reporter, post=copy, reason="spam")
    with pytest.raises(ValidationError, match="already reported"):
        report_create(reporter=reporter, post=copy, reason="abuse")
    with pytest.raises(ValidationError, match="own post"):
        report_create(reporter=copy.author, post=copy, reason="spam")
    with pytest.raises(ValidationError):
        report_create(reporter=UserFactory(), post=copy, reason="nonsense")
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    "link, ok",
    [
        ("https://square.example/posts/{original}/", True),
        ("/posts/{original}/?from=feed", True),
        ("{original}", True),
        ("/posts/{copy}/", False),  # the post itself
        ("/posts/999999/", False),  # no such post
        ("", False),
        ("javascript:alert(1)", False),
    ],
)
def test_a_plagiarism_report_names_an_earlier_original(pair, link, ok):
    original, copy = pair
    link = link.format(original=original.pk, copy=copy.pk)
    if ok:
        report = report_create(
            reporter=UserFactory(), post=copy, reason="plagiarism", original_link=link
        )
        assert report.original == original
    else:
        with pytest.raises(ValidationError):
            report_create(
                reporter=UserFactory(), post=copy, reason="plagiarism", original_link=link
            )
        assert not Report.objects.exists()


def test_only_the_author_appeals_only_a_flagged_post_and_only_once(pair):
    original, copy = pair
    with pytest.raises(PermissionDenied):
        appeal_create(author=original.author, post=copy, text="不是抄的")
    with pytest.raises(ValidationError, match="nothing to appeal"):
        appeal_create(author=original.author, post=original, text="?")
    with pytest.raises(ValidationError):
        appeal_create(author=copy.author, post=copy, text="   ")
    appeal_create(author=copy.author, post=copy, text="这是我自己写的，有草稿为证。")
    with pytest.raises(ValidationError, match="already appealed"):
        appeal_create(author=copy.author, post=copy, text="再申诉一次")
    assert Appeal.objects.get().status == Appeal.Status.OPEN


def test_confirming_settles_flags_reports_and_the_appeal_and_records_who_and_why(pair, moderator):
    _original, copy = pair
    report_create(reporter=UserFactory(), post=copy, reason="spam")
    appeal_create(author=copy.author, post=copy, text="冤枉")
    record = moderation_decide(post=copy, actor=moderator, action="confirm", reason="逐句相同")
    flag = DuplicateFlag.objects.get(post=copy)
    assert (flag.status, flag.reviewed_by) == (DuplicateFlag.Status.CONFIRMED, moderator)
    assert Report.objects.get().status == Report.Status.UPHELD
    assert Appeal.objects.get().status == Appeal.Status.REJECTED
    assert (record.actor, record.action, record.reason, record.post) == (
        moderator,
        "confirm",
        "逐句相同",
        copy,
    )


def test_clearing_accepts_the_appeal_and_dismisses_reports(pair, moderator):
    _original, copy = pair
    report_create(reporter=UserFactory(), post=copy, reason="abuse")
    appeal_create(author=copy.author, post=copy, text="我有授权")
    moderation_decide(post=copy, actor=moderator, action="clear", reason="作者已获授权转载")
    assert DuplicateFlag.objects.get(post=copy).status == DuplicateFlag.Status.CLEARED
    assert Report.objects.get().status == Report.Status.DISMISSED
    assert Appeal.objects.get().status == Appeal.Status.ACCEPTED


def test_confirming_a_reported_copy_the_index_missed_flags_the_named_original(moderator):
    original = write(UserFactory(), ORIGINAL)
    post = write(UserFactory(), OTHER, minutes=5)
    report_create(
        reporter=UserFactory(), post=post, reason="plagiarism", original_link=str(original.pk)
    )
    moderation_decide(post=post, actor=moderator, action="confirm", reason="举报属实")
    flag = DuplicateFlag.objects.get(post=post)
    assert (flag.source, flag.kind, flag.status) == (original, "copy_of_other", "confirmed")


def test_hiding_and_banning(pair, moderator):
    original, copy = pair
    moderation_decide(post=copy, actor=moderator, action="hide", reason="违规")
    assert Post.objects.get(pk=copy.pk).status == Post.Status.HIDDEN
    moderation_decide(post=copy, actor=moderator, action="ban", reason="屡次抄袭")
    copier = copy.author
    copier.refresh_from_db()
    assert copier.banned_at is not None and copier.ban_reason == "屡次抄袭"
    assert ModerationAction.objects.filter(action="ban", user=copier, post=copy).count() == 1
    with pytest.raises(PermissionDenied, match="屡次抄袭"):
        post_create(author=copier, body="我还想发帖")
    with pytest.raises(PermissionDenied):
        comment_create(author=copier, post=original, body="评论一下")
    user_unban(user=copier, actor=moderator, reason="申诉成功")
    copier.refresh_from_db()
    assert copier.banned_at is None
    assert post_create(author=copier, body="解封后的第一帖").pk


@pytest.mark.parametrize("who", ["member", "staff_without_permission", "inactive_moderator"])
def test_only_active_staff_with_the_permission_decide(pair, moderator, who):
    _original, copy = pair
    actor = {
        "member": UserFactory(),
        "staff_without_permission": UserFactory(is_staff=True),
        "inactive_moderator": moderator,
    }[who]
    if who == "inactive_moderator":
        actor.is_active = False
    with pytest.raises(PermissionDenied):
        moderation_decide(post=copy, actor=actor, action="confirm", reason="x")
    with pytest.raises(PermissionDenied):
        user_ban(user=copy.author, actor=actor, reason="x")
    assert DuplicateFlag.objects.get(post=copy).status == DuplicateFlag.Status.PENDING
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501, "bad\x00reason"])
def test_a_decision_needs_a_reason_and_changes_nothing_without_one(pair, moderator, reason):
    _original, copy = pair
    with pytest.raises(ValidationError):
        moderation_decide(post=copy, actor=moderator, action="hide", reason=reason)
    assert Post.objects.get(pk=copy.pk).status == Post.Status.PUBLISHED
    assert not ModerationAction.objects.exists()


def test_an_unknown_decision_is_refused(pair, moderator):
    with pytest.raises(ValidationError):
        moderation_decide(post=pair[1], actor=moderator, action="delete", reason="x")
    assert not ModerationAction.objects.exists()


def test_a_moderator_cannot_ban_themselves_or_a_superuser(moderator):
    boss = UserFactory(is_superuser=True, is_staff=True)
    for target in (moderator, boss):
        with pytest.raises(ValidationError):
            user_ban(user=target, actor=moderator, reason="x")


def test_confirming_needs_a_flag_or_a_plagiarism_report(moderator):
    post = write(UserFactory(), OTHER)
    report_create(reporter=UserFactory(), post=post, reason="spam")
    with pytest.raises(ValidationError, match="no copy to confirm"):
        moderation_decide(post=post, actor=moderator, action="confirm", reason="?")
    assert not ModerationAction.objects.exists()
    assert Report.objects.get().status == Report.Status.OPEN


def test_banning_an_author_twice_is_refused_not_a_crash(pair, moderator):
    _original, copy = pair
    moderation_decide(post=copy, actor=moderator, action="ban", reason="一次")
    with pytest.raises(ValidationError, match="already banned"):
        moderation_decide(post=copy, actor=moderator, action="ban", reason="两次")
    assert ModerationAction.objects.filter(action="ban").count() == 1


def test_any_decision_closes_the_case_and_confirm_keeps_cleared_flags_cleared(pair, moderator):
    original, copy = pair
    other = write(UserFactory(), OTHER)
    DuplicateFlag.objects.create(
        post=copy, source=other, kind="suspected_spin", similarity=0.2, containment=0.3,
        status="cleared",
    )  # fmt: skip
    moderation_decide(post=copy, actor=moderator, action="hide", reason="违规")
    statuses = dict(DuplicateFlag.objects.filter(post=copy).values_list("source_id", "status"))
    assert statuses == {original.pk: "confirmed", other.pk: "cleared"}


def test_clearing_after_an_accepted_appeal_shows_a_hidden_post_again(pair, moderator):
    _original, copy = pair
    moderation_decide(post=copy, actor=moderator, action="hide", reason="疑似违规")
    appeal_create(author=copy.author, post=copy, text="请再看看，这是我的原创。")
    moderation_decide(post=copy, actor=moderator, action="clear", reason="申诉成立")
    assert Post.objects.get(pk=copy.pk).status == Post.Status.PUBLISHED
    assert Appeal.objects.get(post=copy).status == Appeal.Status.ACCEPTED
