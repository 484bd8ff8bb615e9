"""The world the privilege matrix runs in (`test_privilege_matrix.py`): one account per
staff role, every admin model with a row to open, and a drawn campaign with awards.

Roles are the groups the migration made (`campaigns/migrations/0007_staff_roles.py`),
plus a staff account with no permission (`none`) and a superuser (`su`).
"""

import csv
import importlib
import io
from datetime import timedelta
from types import SimpleNamespace

from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigns import roles
from campaigns.models import AuditEvent, Award, Campaign, ShippingAddress, Snapshot, TierDraw
from campaigns.services import campaign_close, draw_run
from campaigns.services.audit import audit_record
from campaigns.tests.factories import (
    AFTER,
    RECORDED,
    CampaignFactory,
    RewardTierFactory,
    four_tier_campaign,
)
from square.models import (
    Appeal,
    DuplicateFlag,
    Follow,
    Hashtag,
    Like,
    ModerationAction,
    Notification,
    Post,
    PostRevision,
    Report,
    User,
)
from square.services.comments import comment_create, comment_hide
from square.services.posts import post_hide
from square.tests.factories import ServicePostFactory, UserFactory

ROLE_GROUPS = {
    "ops": roles.OPERATIONS,
    "ful": roles.FULFILMENT,
    "mod": roles.MODERATION,
    "usr": roles.USER_MANAGEMENT,
    "adm": roles.SUPERADMIN,
}
ROLES = (*ROLE_GROUPS, "none", "su")


def roles_ensure() -> None:
    """The groups, as the migration made them: a transactional test elsewhere in the run
    flushes the database, and post_migrate brings back the permissions, not the groups."""
    if Group.objects.filter(name__in=roles.ROLES).count() != len(roles.ROLES):
        migration = importlib.import_module("campaigns.migrations.0007_staff_roles")
        migration.groups_create(django_apps)


def role_user(role: str) -> User:
    """A fresh staff account in the role's group (the group from the migration)."""
    if role == "su":
        return UserFactory(username="root", is_staff=True, is_superuser=True)
    user = UserFactory(username=f"staff_{role}", is_staff=True)
    if role in ROLE_GROUPS:
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    return User.objects.get(pk=user.pk)


def _square(w, root):
    w.alice = UserFactory(username="alice", display_name="Alice")
    w.bob = UserFactory(username="bob")
    w.carol = UserFactory(username="carol", banned_at=timezone.now(), ban_reason="spam")
    w.post = ServicePostFactory(author=w.alice, body="#spring hello world")
    w.hidden = post_hide(post=ServicePostFactory(author=w.alice, body="hidden one"), staff=root)
    w.copy = ServicePostFactory(author=w.bob, body="hello world again, copied")
    w.comment = comment_create(author=w.bob, post=w.post, body="nice")
    w.hidden_comment = comment_hide(
        comment=comment_create(author=w.bob, post=w.post, body="rude"), staff=root
    )
    w.hashtag = Hashtag.objects.get(key="spring")
    now = timezone.now()
    w.revision = PostRevision.objects.create(
        post=w.post, body="#spring hello", written_at=now - timedelta(minutes=5)
    )
    Post.objects.filter(pk=w.post.pk).update(edited_at=now)
    w.like = Like.objects.create(user=w.bob, post=w.post)
    w.follow = Follow.objects.create(follower=w.bob, followee=w.alice)
    w.notification = Notification.objects.create(
        recipient=w.alice, actor=w.bob, post=w.post, kind="like"
    )
    w.flag = DuplicateFlag.objects.create(
        post=w.copy, source=w.post, kind=DuplicateFlag.Kind.values[0], similarity=0.9,
        containment=0.9,
    )  # fmt: skip
    w.report = Report.objects.create(post=w.copy, reporter=w.alice, reason=Report.Reason.SPAM)
    w.appeal = Appeal.objects.create(post=w.hidden, author=w.alice, text="please")
    w.decision = ModerationAction.objects.create(
        actor=root, action=ModerationAction.Action.CLEAR, post=w.post, reason="fine"
    )
    w.group = Group.objects.create(name="spare")
    w.task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}}, task_path="square.tasks.x", backend_name="database",
        run_after=timezone.now(), exception_class_path="", traceback="",
    )  # fmt: skip


def _campaigns(w, clock):
    campaign, _members, _posts = four_tier_campaign(people=6, participant_winners=2, slug="ops")
    clock(AFTER)
    campaign_close(campaign=campaign)
    clock(AFTER + timedelta(hours=2))
    w.campaign = draw_run(campaign=Campaign.objects.get(pk=campaign.pk), beacon=RECORDED)
    w.lucky = Award.objects.get(tier__campaign=w.campaign, tier__slug="lucky")
    w.code = w.lucky.items.get().code
    w.parcel = Award.objects.filter(tier__campaign=w.campaign, tier__slug="top").first()
    ShippingAddress.objects.create(
        award=w.parcel, name="Winner", phone="138", address="Secret Road 7", country="CN"
    )
    w.entry = w.campaign.entries.first()
    w.snapshot = Snapshot.objects.filter(campaign=w.campaign).first()
    w.tierdraw = TierDraw.objects.filter(tier__campaign=w.campaign).first()
    w.audit = AuditEvent.objects.filter(campaign=w.campaign).first()
    w.draft = CampaignFactory(slug="draft", status=Campaign.Status.DRAFT)
    w.draft_tier = RewardTierFactory(campaign=w.draft, slug="spare", kind="leaderboard", winners=1)
    w.open = CampaignFactory(slug="open", live=True)
    audit_record(campaign=w.draft, actor=None, action="note")


def build_world(clock) -> SimpleNamespace:
    w = SimpleNamespace()
    root = UserFactory(username="builder", is_staff=True, is_superuser=True)
    _square(w, root)
    _campaigns(w, clock)
    return w


def object_of(world, label: str):
    """The row each model's change, delete and history pages are opened with."""
    return {
        "square.user": world.alice,
        "square.post": world.post,
        "square.hashtag": world.hashtag,
        "square.postrevision": world.revision,
        "square.comment": world.comment,
        "square.like": world.like,
        "square.follow": world.follow,
        "square.notification": world.notification,
        "square.postunderreview": world.copy,
        "square.duplicateflag": world.flag,
        "square.report": world.report,
        "square.appeal": world.appeal,
        "square.moderationaction": world.decision,
        "auth.group": world.group,
        "django_tasks_database.dbtaskresult": world.task,
        "campaigns.campaign": world.draft,
        "campaigns.rewardtier": world.draft_tier,
        "campaigns.entry": world.entry,
        "campaigns.award": world.lucky,
        "campaigns.auditevent": world.audit,
        "campaigns.snapshot": world.snapshot,
        "campaigns.tierdraw": world.tierdraw,
    }[label]


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- helpers of the matrix ---------------------------------------------------------------


def admin_url_names() -> set[str]:
    names = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif pattern.name:
                names.add(pattern.name)

    walk(admin.site.get_urls())
    return names


def gone(name):
    return lambda w: not type(getattr(w, name)).objects.filter(pk=getattr(w, name).pk).exists()


def status(name, value):
    return lambda w: fresh(getattr(w, name)).status == value


def rows(*names):
    return lambda w: [getattr(w, name) for name in names]


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))
