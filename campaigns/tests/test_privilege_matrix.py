"""The least-privilege matrix (issue 15): for every staff role, what answers 200 and
what answers 403 in the admin, which admin actions take effect, what each export
contains, and which campaign and moderation services run.

The tables below are the specification (docs/security.md, "Staff roles"). Every
registered admin model and every named admin URL must be in them: a new model, view or
action without an entry fails `test_every_admin_url_and_action_is_in_the_matrix`.
Roles: ops 运营, ful 客服/履约, mod 审核, usr 用户管理, adm 超级管理员 (the group),
none (staff with no permission), su (a superuser).
"""

import csv
import importlib
import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from campaigns import roles
from campaigns.codes import mask_code
from campaigns.exports import awards_export
from campaigns.models import AuditEvent, Award
from campaigns.services import (
    award_disqualify,
    award_mark,
    campaign_close,
    draw_run,
    results_publish,
)
from campaigns.services.recheck import entries_recheck
from campaigns.tests.factories import RECORDED
from campaigns.tests.privilege_world import (
    ROLES,
    admin_url_names,
    build_world,
    fresh,
    gone,
    object_of,
    read_csv,
    role_user,
    roles_ensure,
    rows,
    signed_in,
    status,
)
from square.services.accounts import user_deactivate
from square.services.comments import comment_hide, comment_restore
from square.services.moderation import user_ban, user_unban
from square.services.posts import post_hide, post_restore

pytestmark = pytest.mark.django_db

OPS, FUL, MOD, USR, ADM, SU = "ops", "ful", "mod", "usr", "adm", "su"
TOP = {ADM, SU}  # the superadmin group and superusers
NOBODY: set = set()

# model: (who may view: changelist/change/history, who may add, who may delete)
MODELS = {
    "square.user": ({USR, *TOP}, TOP, NOBODY),
    "square.post": ({MOD, *TOP}, NOBODY, NOBODY),
    "square.hashtag": (TOP, NOBODY, TOP),
    "square.postrevision": ({MOD, *TOP}, NOBODY, NOBODY),
    "square.comment": ({MOD, *TOP}, NOBODY, NOBODY),
    "square.like": (TOP, NOBODY, NOBODY),
    "square.follow": (TOP, NOBODY, NOBODY),
    "square.notification": (TOP, NOBODY, NOBODY),
    "square.postunderreview": ({MOD, *TOP}, NOBODY, NOBODY),
    "square.duplicateflag": ({MOD, *TOP}, NOBODY, NOBODY),
    "square.report": ({MOD, *TOP}, NOBODY, NOBODY),
    "square.appeal": ({MOD, *TOP}, NOBODY, NOBODY),
    "square.moderationaction": ({MOD, *TOP}, NOBODY, NOBODY),
    "auth.group": (TOP, {SU}, {SU}),  # groups change only by superusers
    "django_tasks_database.dbtaskresult": (TOP, NOBODY, NOBODY),  # the task queue's results
    "campaigns.campaign": ({OPS, FUL, *TOP}, {OPS, *TOP}, {OPS, *TOP}),  # drafts only
    "campaigns.rewardtier": ({OPS, *TOP}, {OPS, *TOP}, {OPS, *TOP}),
    "campaigns.entry": ({OPS, *TOP}, NOBODY, NOBODY),
    "campaigns.award": ({OPS, FUL, *TOP}, NOBODY, NOBODY),
    "campaigns.auditevent": ({OPS, *TOP}, NOBODY, NOBODY),
    "campaigns.snapshot": ({OPS, *TOP}, NOBODY, NOBODY),
    "campaigns.tierdraw": ({OPS, *TOP}, NOBODY, NOBODY),
}
# Custom admin views: url name -> (who may, how to build the URL from the world).
CUSTOM = {
    "auth_user_password_change": ({SU}, lambda w: [w.alice.pk]),  # Django's name
    "campaigns_campaign_close": ({OPS, *TOP}, lambda w: [w.campaign.pk]),
    "campaigns_campaign_draw": ({OPS, *TOP}, lambda w: [w.campaign.pk]),
    "campaigns_campaign_publish": ({OPS, *TOP}, lambda w: [w.campaign.pk]),
    "campaigns_campaign_export": ({OPS, FUL, *TOP}, lambda w: [w.campaign.pk]),
    "campaigns_campaign_dashboard": ({OPS, FUL, *TOP}, lambda w: [w.campaign.pk]),
    "campaigns_campaign_verify": ({OPS, FUL, *TOP}, lambda w: [w.campaign.pk]),
}
# The admin site's own pages: every staff account may open these two; the rest are
# sign-in/out, the JavaScript catalogue, search widgets and redirects, which check
# permissions through the model admins above.
SITE_OPEN = {"index", "password_change"}
SITE_OTHER = {"login", "logout", "password_change_done", "jsi18n", "autocomplete",
              "view_on_site", "app_list"}  # fmt: skip
GENERIC = ("changelist", "add", "change", "delete", "history")


def expected_urls(world) -> dict[str, tuple[set, str]]:
    """{url name: (who may, the URL)} for every model view and custom view."""
    table = {}
    for label, (view, add, delete) in MODELS.items():
        app, model = label.split(".")
        pk = object_of(world, label).pk
        who = {"changelist": view, "add": add, "change": view, "delete": delete, "history": view}
        for name in GENERIC:
            args = [] if name in ("changelist", "add") else [pk]
            table[f"{app}_{model}_{name}"] = (
                who[name],
                reverse(f"admin:{app}_{model}_{name}", args=args),
            )
    for name, (who, args) in CUSTOM.items():
        table[name] = (who, reverse(f"admin:{name}", args=args(world)))
    for name in SITE_OPEN:
        table[name] = (set(ROLES), reverse(f"admin:{name}"))
    return table


# --- actions: (model, action) -> (who may, the rows selected, extra POST data, effect) ---


YES = {"post": "yes"}  # the confirmation pages' second step
ACTIONS = {
    ("square.user", "deactivate"): (
        {USR, *TOP}, rows("alice"), {}, lambda w: not fresh(w.alice).is_active),
    ("square.user", "ban"): (
        {USR, *TOP}, rows("alice"), {**YES, "reason": "spam"},
        lambda w: fresh(w.alice).banned_at is not None),
    ("square.user", "unban"): (
        {USR, *TOP}, rows("carol"), {**YES, "reason": "ok"},
        lambda w: fresh(w.carol).banned_at is None),
    ("square.post", "hide"): ({MOD, *TOP}, rows("post"), {}, status("post", "hidden")),
    ("square.post", "restore"): ({MOD, *TOP}, rows("hidden"), {}, status("hidden", "published")),
    ("square.comment", "hide"): ({MOD, *TOP}, rows("comment"), {}, status("comment", "hidden")),
    ("square.comment", "restore"): (
        {MOD, *TOP}, rows("hidden_comment"), {}, status("hidden_comment", "published")),
    ("square.hashtag", "delete_selected"): (TOP, rows("hashtag"), YES, gone("hashtag")),
    ("auth.group", "delete_selected"): ({SU}, rows("group"), YES, gone("group")),
    ("campaigns.campaign", "recheck_entries"): (
        {OPS, *TOP}, rows("open"), {}, lambda w: w.rechecked > 0),
    # The operation actions lead to the campaign's confirmation page (named here).
    ("campaigns.campaign", "close_campaign"): ({OPS, *TOP}, rows("campaign"), {}, "close"),
    ("campaigns.campaign", "run_draws"): ({OPS, *TOP}, rows("campaign"), {}, "draw"),
    ("campaigns.campaign", "publish_results"): ({OPS, *TOP}, rows("campaign"), {}, "publish"),
    ("campaigns.campaign", "export_awards"): ({OPS, FUL, *TOP}, rows("campaign"), {}, "export"),
    ("campaigns.rewardtier", "delete_selected"): (
        {OPS, *TOP}, rows("draft_tier"), YES, gone("draft_tier")),
    ("campaigns.award", "disqualify"): (
        {OPS, *TOP}, rows("lucky"), {**YES, "reason": "bought likes"},
        status("lucky", Award.Status.REVOKED)),
    ("campaigns.award", "mark_issued"): (
        {FUL, *TOP}, rows("lucky"), {}, status("lucky", Award.Status.ISSUED)),
    ("campaigns.award", "mark_delivered"): (
        {FUL, *TOP}, rows("lucky"), {}, status("lucky", Award.Status.DELIVERED)),
}  # fmt: skip

# --- services: name -> (who may, call(world, actor)) -------------------------------------

SERVICES = {
    "campaign_close": (
        {OPS, *TOP}, lambda w, a: campaign_close(campaign=fresh(w.campaign), actor=a)),
    "draw_run": (
        {OPS, *TOP},
        lambda w, a: draw_run(campaign=fresh(w.campaign), beacon=RECORDED, actor=a)),
    "results_publish": (
        {OPS, *TOP}, lambda w, a: results_publish(campaign=fresh(w.campaign), actor=a)),
    "award_disqualify": (
        {OPS, *TOP}, lambda w, a: award_disqualify(award=w.lucky, reason="x", actor=a)),
    "award_mark": (
        {FUL, *TOP}, lambda w, a: award_mark(award=w.lucky, status="issued", actor=a)),
    "awards_export": (
        {OPS, FUL, *TOP}, lambda w, a: awards_export(campaign=w.campaign, actor=a)),
    "entries_recheck": (
        {OPS, *TOP}, lambda w, a: entries_recheck(campaigns=[w.open], actor=a)),
    "post_hide": ({MOD, *TOP}, lambda w, a: post_hide(post=w.post, staff=a)),
    "post_restore": ({MOD, *TOP}, lambda w, a: post_restore(post=w.hidden, staff=a)),
    "comment_hide": ({MOD, *TOP}, lambda w, a: comment_hide(comment=w.comment, staff=a)),
    "comment_restore": (
        {MOD, *TOP}, lambda w, a: comment_restore(comment=w.hidden_comment, staff=a)),
    "user_deactivate": ({USR, *TOP}, lambda w, a: user_deactivate(user=w.alice, staff=a)),
    "user_ban": ({USR, MOD, *TOP}, lambda w, a: user_ban(user=w.alice, actor=a, reason="spam")),
    "user_unban": ({USR, MOD, *TOP}, lambda w, a: user_unban(user=w.carol, actor=a, reason="ok")),
}  # fmt: skip

MAY_SEE_HIDDEN = {MOD, *TOP}  # hidden and deleted posts and their history, on the site
MAY_PREVIEW_WINNERS = {OPS, FUL, *TOP}  # a drawn campaign's winners before publication
FULL_CODES = {FUL, *TOP}  # voucher codes in full, and shipping addresses


@pytest.fixture(autouse=True)
def _groups(db):
    roles_ensure()


@pytest.fixture
def world(clock, monkeypatch):
    world = build_world(clock)

    def recheck(*, campaigns, actor=None):
        world.rechecked += 1
        return 0

    monkeypatch.setattr("campaigns.admin.campaign.entries_recheck", recheck)
    return world


def test_every_admin_url_and_action_is_in_the_matrix(db):
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert registered == set(MODELS), "each registered admin model needs a row in MODELS"
    generic = {f"{label.replace('.', '_')}_{view}" for label in MODELS for view in GENERIC}
    unknown = admin_url_names() - generic - set(CUSTOM) - SITE_OPEN - SITE_OTHER
    assert unknown == set(), "each custom admin view needs a row in CUSTOM"
    request = RequestFactory().get("/admin/")
    request.user = role_user(SU)
    offered = {
        (f"{model._meta.app_label}.{model._meta.model_name}", name)
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.get_actions(request)
    }
    assert offered == set(ACTIONS), "each admin action needs a row in ACTIONS"


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_answer_per_role(role, world):
    client, differences = signed_in(role_user(role)), []
    for name, (who, url) in expected_urls(world).items():
        wanted = 200 if role in who else 403
        status = client.get(url).status_code
        if status != wanted:
            differences.append(f"{name} {url}: {status}, expected {wanted}")
    assert differences == []


@pytest.mark.parametrize("role", ROLES)
def test_admin_actions_take_effect_per_role(role, world):
    """Each action POSTed by hand to its list: it changes something exactly for the
    roles allowed (each tried alone, then rolled back)."""
    client, differences = signed_in(role_user(role)), []
    for (label, action), (who, chosen, extra, effect) in ACTIONS.items():
        url = reverse(f"admin:{label.replace('.', '_')}_changelist")
        selected = [str(row.pk) for row in chosen(world)]
        data = {"action": action, "index": "0", "_selected_action": selected, **extra}
        with transaction.atomic():
            world.rechecked = 0
            response = client.post(url, data)
            if isinstance(effect, str):  # the operation actions lead to their page
                page = reverse(f"admin:campaigns_campaign_{effect}", args=[world.campaign.pk])
                happened = response.status_code == 302 and response["Location"] == page
            else:
                happened = effect(world)
            transaction.set_rollback(True)
        if happened != (role in who) or response.status_code >= 500:
            differences.append(f"{label} {action}: took effect={happened} ({response.status_code})")
    assert differences == []


NEW_PASSWORD = "a-new-pass-phrase-9"
# Forms of the custom admin pages, POSTed: (who may, URL, data, did it take effect?).
PAGE_POSTS = {
    "moderation case: hide": (
        {MOD, *TOP}, lambda w: reverse("admin:square_postunderreview_change", args=[w.copy.pk]),
        {"action": "hide", "reason": "copied"}, lambda w, r: fresh(w.copy).status == "hidden"),
    "moderation case: ban the author": (
        {MOD, *TOP}, lambda w: reverse("admin:square_postunderreview_change", args=[w.copy.pk]),
        {"action": "ban", "reason": "copier"}, lambda w, r: fresh(w.bob).banned_at is not None),
    "user password page": (
        {SU}, lambda w: reverse("admin:auth_user_password_change", args=[w.alice.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set_usable_password": "true"},
        lambda w, r: fresh(w.alice).check_password(NEW_PASSWORD)),
    "campaign close page": (  # already closed: the page says so and nothing changes
        {OPS, *TOP}, lambda w: reverse("admin:campaigns_campaign_close", args=[w.campaign.pk]),
        {}, lambda w, r: r.status_code == 302),
    "campaign draw page": (  # already drawn with this beacon: no winner changes
        {OPS, *TOP}, lambda w: reverse("admin:campaigns_campaign_draw", args=[w.campaign.pk]),
        {"beacon": RECORDED}, lambda w, r: r.status_code == 302),
    "campaign publish page": (
        {OPS, *TOP}, lambda w: reverse("admin:campaigns_campaign_publish", args=[w.campaign.pk]),
        {}, lambda w, r: fresh(w.campaign).status == "published"),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_custom_admin_pages_act_per_role(role, world):
    user, differences = role_user(role), []
    for name, (who, url, data, effect) in PAGE_POSTS.items():
        client = signed_in(user)  # a password change cycles the session (rolled back)
        with transaction.atomic():
            response = client.post(url(world), data)
            happened = effect(world, response)
            transaction.set_rollback(True)
        if happened != (role in who) or response.status_code not in (200, 302, 403):
            differences.append(f"{name}: took effect={happened} ({response.status_code})")
    assert differences == []


@pytest.mark.parametrize("role", ROLES)
def test_services_check_the_permission_per_role(role, world):
    actor, differences = role_user(role), []
    for name, (who, call) in SERVICES.items():
        with transaction.atomic():
            try:
                call(world, actor)
                outcome = "ran"
            except PermissionDenied:
                outcome = "refused"
            except ValidationError as error:
                outcome = f"invalid: {error}"
            transaction.set_rollback(True)
        wanted = "ran" if role in who else "refused"
        if outcome != wanted:
            differences.append(f"{name}: {outcome}, expected {wanted}")
    assert differences == []


@pytest.mark.parametrize("role", ROLES)
def test_export_shows_codes_and_addresses_only_to_fulfilment_and_is_audited(role, world):
    user = role_user(role)
    client = signed_in(user)
    exports = AuditEvent.objects.filter(action="export")
    before = exports.count()
    response = client.post(reverse("admin:campaigns_campaign_export", args=[world.campaign.pk]))
    if role not in {OPS, FUL, *TOP}:
        assert response.status_code == 403 and exports.count() == before
        return
    rows = read_csv(response)
    header, codes = rows[0], {row[6] for row in rows[1:] if row[6]}
    full = role in FULL_CODES
    assert (world.code in codes) == full
    assert (mask_code(world.code) in codes) == (not full)
    assert ("address" in header) == full
    assert ("Secret Road 7" in str(rows)) == full
    event = exports.latest("id")
    assert event.actor_id == user.pk and event.created_at is not None
    assert event.inputs["columns"] == header
    assert event.inputs["codes"] == ("full" if full else "masked")


def test_the_command_exports_full_codes_and_audits_its_columns(world, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "awards.csv"
    call_command("campaign_export", "ops", "--out", str(out), stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert world.code in text and "Secret Road 7" not in text
    event = AuditEvent.objects.filter(action="export").latest("id")
    assert event.actor_id is None and event.inputs["via"] == "command"
    assert event.inputs["columns"] == next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("role", sorted(MODELS["campaigns.award"][0]))
def test_award_page_shows_the_full_code_only_to_fulfilment(role, world):
    client = signed_in(role_user(role))
    page = client.get(reverse("admin:campaigns_award_change", args=[world.lucky.pk]))
    assert page.status_code == 200
    assert (world.code in page.text) == (role in FULL_CODES)
    assert mask_code(world.code) in page.text or role in FULL_CODES
    listing = client.get(reverse("admin:campaigns_award_changelist")).text
    assert world.code not in listing and mask_code(world.code) in listing  # masked for all


@pytest.mark.parametrize("role", ROLES)
def test_hidden_posts_and_early_winners_only_for_the_roles_that_need_them(role, world):
    client = signed_in(role_user(role))
    for name in ("post_detail", "post_history"):
        wanted = 200 if role in MAY_SEE_HIDDEN else 404
        assert client.get(reverse(name, args=[world.hidden.pk])).status_code == wanted, name
    data = client.get(reverse("campaigns:results_json", args=["ops"])).json()
    assert data["winners_shown"] == (role in MAY_PREVIEW_WINNERS)
    page = client.get(reverse("campaigns:results", args=["ops"]))
    assert page.context["page"].winners_shown == (role in MAY_PREVIEW_WINNERS)


def test_pages_seen_by_privileged_staff_are_not_served_to_others(world, client):
    """The card cache and the results page: what a moderator or an operator saw first
    must not reach a member or a visitor afterwards."""
    moderator, operator = signed_in(role_user(MOD)), signed_in(role_user(OPS))
    bob = signed_in(fresh(world.bob))
    detail = reverse("post_detail", args=[world.hidden.pk])
    assert moderator.get(detail).status_code == 200
    assert bob.get(detail).status_code == 404
    assert "hidden one" not in bob.get(reverse("profile", args=["alice"])).text
    results, winner = reverse("campaigns:results", args=["ops"]), world.lucky.user.username
    preview = operator.get(results)
    assert winner in preview.text and "no-store" in preview["Cache-Control"]
    public = client.get(results)
    assert not public.context["page"].winners_shown and winner not in public.text


# --- the roles themselves -----------------------------------------------------------------


def test_the_groups_hold_exactly_the_roles_permissions(db):
    everything = set(Permission.objects.values_list("content_type__app_label", "codename"))
    for name, wanted in roles.ROLES.items():
        group = Group.objects.get(name=name)
        held = set(group.permissions.values_list("content_type__app_label", "codename"))
        expected = everything if wanted == (roles.ALL,) else {tuple(p.split(".")) for p in wanted}
        assert held == expected, name


def test_the_migration_froze_the_same_roles():
    migration = importlib.import_module("campaigns.migrations.0007_staff_roles")
    assert migration.ROLES == roles.ROLES
