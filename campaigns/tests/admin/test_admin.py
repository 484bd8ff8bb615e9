"""Staff run campaigns from the admin: the campaign with its tiers and prizes, read-only
entries with a reason filter, a recheck action, and a dashboard per campaign."""

import hashlib
import re
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.utils import timezone

from campaigns.admin.dashboard_chart import chart_svg
from campaigns.models import Campaign, Entry, Prize, RewardTier
from campaigns.models.entry import reason_q
from campaigns.selectors.dashboard import campaign_dashboard
from campaigns.tests.factories import entry_text
from square.models import Post, User
from square.services.posts import post_create

pytestmark = pytest.mark.django_db

UTC8 = dt_timezone(timedelta(hours=8))
TAG = "管理测试"
SHORT = f"#{TAG} 新年快乐"


def valid_text() -> str:
    """A valid entry's text, a new one on every call (posts of their own, not copies)."""
    return entry_text(TAG)


def cn(*args) -> datetime:
    return datetime(*args, tzinfo=UTC8)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.com", "pw-root-123456")


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def make_campaign(**fields) -> Campaign:
    values = {
        "slug": "admin-test",
        "title": "管理测试活动",
        "hashtag": TAG,
        "aliases": ["管理测验"],
        "starts_at": cn(2025, 12, 31, 18, 0, 0),
        "ends_at": cn(2026, 1, 3, 23, 59, 59),
    }
    values.update(fields)
    return Campaign.objects.create(**values)


def add_tiers(campaign: Campaign) -> None:
    """The announced campaign's tiers, plus a voucher in a second currency."""
    lucky = RewardTier.objects.create(
        campaign=campaign, slug="lucky", name="幸运", kind="lucky_post_draw", winners=1
    )
    Prize.objects.create(
        tier=lucky, slug="v", kind="voucher", label="2026 USDT", amount=2026, currency="USDT"
    )
    Prize.objects.create(tier=lucky, slug="box", kind="physical", label="礼盒")
    top = RewardTier.objects.create(
        campaign=campaign, slug="top10", name="人气", kind="leaderboard", winners=10
    )
    Prize.objects.create(tier=top, slug="box", kind="physical", label="礼盒")
    Prize.objects.create(tier=top, slug="feat", kind="featured_posts", label="精选", quantity=5)
    new = RewardTier.objects.create(campaign=campaign, slug="new", name="新手", kind="newcomer")
    Prize.objects.create(
        tier=new, slug="v", kind="voucher", label="50 USDT", amount=50, currency="USDT"
    )
    part = RewardTier.objects.create(
        campaign=campaign, slug="part", name="参与", kind="participant_draw", winners=20
    )
    Prize.objects.create(tier=part, slug="f1", kind="physical", label="F1 礼包")
    Prize.objects.create(
        tier=part, slug="gt", kind="voucher", label="5 GT", amount=5, currency="gt", quantity=2
    )


@pytest.fixture
def campaign(db) -> Campaign:
    campaign = make_campaign()
    add_tiers(campaign)
    return campaign


@pytest.fixture
def entries(campaign):
    """Four people, five valid posts over three Beijing days, two refused entries.

    a, b and c never posted before: newcomers. d posted (untagged) before the start.
    a's first post is at 01:00 on Jan 1 in Beijing, still Dec 31 in UTC.
    """
    a, b, c, d = (User.objects.create_user(n, password="pw-member-123") for n in "abcd")
    post_create(author=d, body="an ordinary post", created_at=cn(2025, 12, 1, 12))
    post_create(author=a, body=valid_text(), created_at=cn(2026, 1, 1, 1, 0))
    post_create(author=a, body=valid_text(), created_at=cn(2026, 1, 2, 10))
    post_create(author=b, body=valid_text(), created_at=cn(2026, 1, 1, 12))
    post_create(author=c, body=valid_text(), created_at=cn(2026, 1, 3, 9))
    post_create(author=d, body=valid_text(), created_at=cn(2026, 1, 2, 11))
    post_create(author=a, body=SHORT, created_at=cn(2026, 1, 2, 12))  # too short
    post_create(author=b, body=valid_text(), created_at=cn(2026, 2, 1, 12))  # after the end
    return {"a": a, "b": b, "c": c, "d": d}


def dashboard_url(campaign) -> str:
    return f"/admin/campaigns/campaign/{campaign.pk}/dashboard/"


# --- pages open -------------------------------------------------------------------------


def test_pages_open_for_a_superuser(admin_client, campaign, entries):
    tier = campaign.tiers.get(slug="lucky")
    entry = Entry.objects.filter(campaign=campaign).first()
    for url in (
        "/admin/campaigns/campaign/",
        "/admin/campaigns/campaign/?q=admin-test",
        "/admin/campaigns/campaign/add/",
        f"/admin/campaigns/campaign/{campaign.pk}/change/",
        "/admin/campaigns/rewardtier/",
        f"/admin/campaigns/rewardtier/{tier.pk}/change/",
        "/admin/campaigns/rewardtier/add/",
        "/admin/campaigns/entry/",
        "/admin/campaigns/entry/?q=a",
        f"/admin/campaigns/entry/?q={TAG}",
        f"/admin/campaigns/entry/{entry.pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_campaign_list_shows_phase_times_in_utc8_counts_and_dashboard_link(
    admin_client, campaign, entries
):
    response = admin_client.get("/admin/campaigns/campaign/")
    row = response.context["cl"].result_list[0]
    assert row.valid_count == 5
    html = response.content.decode()
    assert "2025-12-31 18:00 (UTC+8)" in html
    assert "2026-01-03 23:59 (UTC+8)" in html
    assert dashboard_url(campaign) in html


def test_campaign_page_links_the_tiers_prizes_and_the_dashboard(admin_client, campaign):
    html = admin_client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").content.decode()
    tier = campaign.tiers.get(slug="lucky")
    assert f"/admin/campaigns/rewardtier/{tier.pk}/change/" in html
    assert dashboard_url(campaign) in html
    tier_page = admin_client.get(f"/admin/campaigns/rewardtier/{tier.pk}/change/")
    prize_forms = tier_page.context["inline_admin_formsets"][0].formset.forms
    assert {f.instance.slug for f in prize_forms} == {"v", "box"}


def test_seed_is_never_shown_but_its_commitment_is(admin_client, campaign, entries):
    digest = hashlib.sha256(bytes.fromhex(campaign.seed)).hexdigest()
    for url in (
        f"/admin/campaigns/campaign/{campaign.pk}/change/",
        "/admin/campaigns/campaign/",
        dashboard_url(campaign),
    ):
        html = admin_client.get(url).content.decode()
        assert campaign.seed not in html, url
    change = admin_client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    assert digest in change.content.decode()
    assert "seed" not in change.context["adminform"].form.fields


# --- the dashboard ----------------------------------------------------------------------


def test_dashboard_figures_ranking_and_days(admin_client, campaign, entries):
    response = admin_client.get(dashboard_url(campaign))
    assert response.status_code == 200
    board = response.context["board"]
    figures = board.figures
    assert (figures.posts, figures.participants, figures.newcomers) == (5, 4, 3)
    assert figures.invalid == 2
    by_reason = {r.code: r.count for r in figures.by_reason}
    assert by_reason["too_short"] == 1
    assert by_reason["outside_window"] == 1
    assert sum(by_reason.values()) == 2
    assert board.ranked == 4
    assert board.top[0].user == entries["a"]
    assert board.top[0].standing.score == 10
    days = {d.day: (d.posts, d.new_participants) for d in board.days}
    assert days == {
        date(2025, 12, 31): (0, 0),
        date(2026, 1, 1): (2, 2),  # a's 01:00 post counts on Beijing's Jan 1
        date(2026, 1, 2): (2, 1),  # a again (not new) and d (new)
        date(2026, 1, 3): (1, 1),
    }


def test_dashboard_liability(admin_client, campaign, entries):
    liability = admin_client.get(dashboard_url(campaign)).context["board"].liability
    # USDT: 3 newcomers × 50 + 1 lucky winner × 2026; GT: 4 participants × 2 × 5.
    assert liability.money == [("GT", Decimal("40")), ("USDT", Decimal("2176"))]
    # Gift boxes: 1 lucky + 4 ranked (of 10); F1 packs: 4 participants (of 20).
    assert liability.gifts == [("F1 礼包", 4), ("礼盒", 5)]
    assert liability.gifts_total == 9
    assert liability.other == [("精选", 20)]
    winners = {cost.tier.slug: (cost.pool, cost.winners) for cost in liability.tiers}
    assert winners == {"lucky": (5, 1), "top10": (4, 4), "new": (3, 3), "part": (4, 4)}


def test_dashboard_chart_is_inline_svg_without_style_or_script(admin_client, campaign, entries):
    html = admin_client.get(dashboard_url(campaign)).content.decode()
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" class="campaign-chart"')
    svg = html[start : html.index("</svg>", start)]
    assert svg.count("<polyline") == 2
    for label in ("12-31", "01-01", "01-02", "01-03"):
        assert f">{label}</text>" in svg
    assert ">2</text>" in svg  # the highest value on the axis
    assert "style=" not in html.split('id="content-main"')[1]
    assert "<script" not in svg
    # Dots carry the figures on hover: Jan 1 had 2 valid posts and 2 new participants.
    assert svg.count("<title>2026-01-01: 2 ") == 2
    # USDT total on the page.
    assert "2176.00 USDT" in html


def test_dashboard_of_an_empty_future_campaign(admin_client):
    campaign = make_campaign(slug="later", starts_at=cn(2099, 1, 1, 0), ends_at=cn(2099, 1, 20, 0))
    response = admin_client.get(dashboard_url(campaign))
    assert response.status_code == 200
    assert response.context["board"].figures.posts == 0
    svg = response.content.decode()
    assert 'class="campaign-chart"' in svg
    assert "<polyline" not in svg  # no day has come yet


def test_dashboard_needs_the_view_permission(client, campaign):
    url = dashboard_url(campaign)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")

    member = User.objects.create_user("member", password="pw-member-123")
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")

    staff = User.objects.create_user("staff", password="pw-member-123", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403

    staff.user_permissions.add(Permission.objects.get(codename="view_campaign"))
    staff = User.objects.get(pk=staff.pk)  # forget the cached permissions
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_dashboard_of_a_missing_campaign_redirects(admin_client):
    response = admin_client.get("/admin/campaigns/campaign/999999/dashboard/")
    assert response.status_code == 302


def bulk_entries(campaign: Campaign, n: int) -> None:
    """n people with one valid entry each, spread over the window (rows written directly)."""
    users = User.objects.bulk_create(User(username=f"bulk{i}") for i in range(n))
    start = campaign.starts_at + timedelta(hours=1)
    posts = Post.objects.bulk_create(
        Post(author=u, body=valid_text(), created_at=start + timedelta(hours=i % 70))
        for i, u in enumerate(users)
    )
    Entry.objects.bulk_create(
        Entry(
            campaign=campaign,
            post=p,
            author=p.author,
            posted_at=p.created_at,
            valid=i % 5 != 0,
            reasons=[] if i % 5 else ["too_short"],
            is_newcomer=i % 2 == 0,
        )
        for i, p in enumerate(posts)
    )


@pytest.mark.parametrize("n", [5, 200])
def test_dashboard_queries_do_not_grow_with_entries(
    admin_client, campaign, n, django_assert_max_num_queries
):
    bulk_entries(campaign, n)
    with django_assert_max_num_queries(12):
        response = admin_client.get(dashboard_url(campaign))
    assert response.status_code == 200
    assert response.context["board"].figures.posts == n - len(range(0, n, 5))
    assert sum(d.posts for d in response.context["board"].days) == n - len(range(0, n, 5))


# --- entries ----------------------------------------------------------------------------


def test_entries_are_read_only(admin_client, campaign, entries):
    entry = Entry.objects.filter(campaign=campaign).first()
    assert admin_client.get("/admin/campaigns/entry/add/").status_code == 403
    assert admin_client.get(f"/admin/campaigns/entry/{entry.pk}/delete/").status_code == 403
    response = admin_client.post(f"/admin/campaigns/entry/{entry.pk}/change/", {"valid": "on"})
    assert response.status_code == 403
    changelist = admin_client.get("/admin/campaigns/entry/")
    assert "delete_selected" not in changelist.content.decode()


def test_entry_list_links_posts_and_searches(admin_client, campaign, entries):
    response = admin_client.get("/admin/campaigns/entry/")
    assert response.context["cl"].result_count == 7
    entry = Entry.objects.get(campaign=campaign, author=entries["c"])
    assert f"/admin/square/post/{entry.post_id}/change/" in response.content.decode()
    found = admin_client.get("/admin/campaigns/entry/?q=c").context["cl"].result_list
    assert entries["c"] in {e.author for e in found}
    by_body = admin_client.get("/admin/campaigns/entry/?q=新年快乐").context["cl"]
    assert by_body.result_count == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("reason=too_short", 1),
        ("reason=outside_window", 1),
        ("reason=hidden", 0),
        ("valid__exact=0", 2),
        ("valid__exact=1", 5),
        ("is_newcomer__exact=1&valid__exact=1", 4),
    ],
)
def test_entry_filters(admin_client, campaign, entries, query, expected):
    response = admin_client.get(f"/admin/campaigns/entry/?{query}")
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def test_reason_lookup_matches_whole_codes_in_lists(campaign, entries):
    entry = Entry.objects.get(campaign=campaign, author=entries["c"])
    Entry.objects.filter(pk=entry.pk).update(valid=False, reasons=["too_short", "hidden"])
    assert set(Entry.objects.filter(reason_q("hidden"))) == {entry}
    assert Entry.objects.filter(reason_q("too_short")).count() == 2
    assert not Entry.objects.filter(reason_q("short")).exists()


# --- the recheck action -----------------------------------------------------------------


def test_recheck_action_rejudges_entries_of_open_campaigns(admin_client, campaign, entries):
    Entry.objects.filter(campaign=campaign).update(valid=False, reasons=["hidden"])
    closed = make_campaign(slug="closed", status=Campaign.Status.CLOSED)
    response = admin_client.post(
        "/admin/campaigns/campaign/",
        {"action": "recheck_entries", "_selected_action": [campaign.pk, closed.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Entry.objects.filter(campaign=campaign, valid=True).count() == 5
    assert not Entry.objects.filter(reason_q("hidden")).exists()
    texts = [str(m) for m in response.context["messages"]]
    assert any("7" in t and campaign.title in t for t in texts)
    assert any(closed.title in t for t in texts)  # told it was skipped


def test_recheck_action_rejudges_every_entry(admin_client, campaign, entries):
    """Every entry of the campaign is judged again (its judged_at moves), none skipped."""
    long_ago = timezone.now() - timedelta(days=30)
    Entry.objects.filter(campaign=campaign).update(judged_at=long_ago)
    admin_client.post(
        "/admin/campaigns/campaign/",
        {"action": "recheck_entries", "_selected_action": [campaign.pk]},
    )
    stale = Entry.objects.filter(campaign=campaign, judged_at=long_ago)
    assert Entry.objects.filter(campaign=campaign).exists()
    assert not stale.exists()


# --- the campaign form ------------------------------------------------------------------


def form_data(campaign: Campaign, **changes) -> dict:
    starts = timezone.localtime(campaign.starts_at)
    ends = timezone.localtime(campaign.ends_at)
    data = {
        "title": campaign.title,
        "title_en": campaign.title_en,
        "slug": campaign.slug,
        "status": campaign.status,
        "description": campaign.description,
        "description_en": campaign.description_en,
        "starts_at_0": starts.strftime("%Y-%m-%d"),
        "starts_at_1": starts.strftime("%H:%M:%S"),
        "ends_at_0": ends.strftime("%Y-%m-%d"),
        "ends_at_1": ends.strftime("%H:%M:%S"),
        "hashtag": campaign.hashtag,
        "aliases": "\n".join(campaign.aliases),
        "min_chars": campaign.min_chars,
        "min_distinct_chars": campaign.min_distinct_chars,
        "exclude_staff": "on" if campaign.exclude_staff else "",
        "posts_cap": campaign.posts_cap,
        "w_posts": campaign.w_posts,
        "w_like": campaign.w_like,
        "w_comment": campaign.w_comment,
        "w_repost": campaign.w_repost,
        "interactor_cap": campaign.interactor_cap,
        "min_interactor_age_hours": campaign.min_interactor_age_hours,
        "tiers-TOTAL_FORMS": "0",
        "tiers-INITIAL_FORMS": "0",
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_changing_the_window_of_a_started_campaign_is_refused(admin_client):
    campaign = make_campaign()  # its window is in the past: it has started
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    response = admin_client.post(url, form_data(campaign, ends_at_0="2026-01-20"))
    assert response.status_code == 200  # the form again, with the error
    assert "ends_at" in response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert timezone.localtime(campaign.ends_at).date() == date(2026, 1, 3)

    response = admin_client.post(url, form_data(campaign, aliases="另一个标签"))
    assert "aliases" in response.context["adminform"].form.errors

    # Other fields still save, and the unchanged window passes untouched.
    response = admin_client.post(url, form_data(campaign, title="新标题", aliases="#管理测验"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "新标题"
    assert campaign.aliases == ["管理测验"]


def test_a_campaign_not_started_may_change_and_tags_are_normalised(admin_client):
    campaign = make_campaign(starts_at=cn(2099, 1, 1, 0), ends_at=cn(2099, 1, 20, 0))
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    data = form_data(
        campaign,
        ends_at_0="2099-01-25",
        hashtag="＃ＮｅｗＹｅａｒ",
        aliases="#甲标签\n乙标签, ＃丙标签\n#newyear\n#甲标签",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert timezone.localtime(campaign.ends_at).date() == date(2099, 1, 25)
    assert campaign.hashtag == "NewYear"
    assert campaign.aliases == ["甲标签", "乙标签", "丙标签"]  # the main tag is not repeated


def test_form_accepts_a_json_list_and_refuses_bad_tags_and_windows(rf, root):
    campaign = make_campaign(starts_at=cn(2099, 1, 1, 0), ends_at=cn(2099, 1, 20, 0))
    request = rf.get("/")
    request.user = root
    CampaignForm = admin.site._registry[Campaign].get_form(request, campaign)
    form = CampaignForm(form_data(campaign, aliases='["#一", "二"]'), instance=campaign)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["aliases"] == ["一", "二"]

    form = CampaignForm(form_data(campaign, aliases="好的\n#不-行"), instance=campaign)
    assert "aliases" in form.errors
    form = CampaignForm(form_data(campaign, hashtag="#2026"), instance=campaign)
    assert "hashtag" in form.errors
    form = CampaignForm(form_data(campaign, ends_at_0="2098-12-31"), instance=campaign)
    assert "ends_at" in form.errors
    assert not form.non_field_errors()  # one clear message, not the constraint's too


def test_prize_vouchers_need_an_amount_and_currency(admin_client, campaign):
    tier = campaign.tiers.get(slug="top10")
    prizes = list(tier.prizes.all())
    data = {
        "slug": tier.slug,
        "name": tier.name,
        "name_en": "",
        "kind": tier.kind,
        "winners": tier.winners,
        "order": tier.order,
        "prizes-TOTAL_FORMS": str(len(prizes) + 1),
        "prizes-INITIAL_FORMS": str(len(prizes)),
        "prizes-MIN_NUM_FORMS": "0",
        "prizes-MAX_NUM_FORMS": "1000",
    }
    for i, p in enumerate(prizes):
        data.update(
            {
                f"prizes-{i}-id": p.pk,
                f"prizes-{i}-tier": tier.pk,
                f"prizes-{i}-slug": p.slug,
                f"prizes-{i}-kind": p.kind,
                f"prizes-{i}-label": p.label,
                f"prizes-{i}-quantity": p.quantity,
            }
        )
    n = len(prizes)
    data.update(
        {
            f"prizes-{n}-tier": tier.pk,
            f"prizes-{n}-slug": "cash",
            f"prizes-{n}-kind": "voucher",
            f"prizes-{n}-label": "voucher",
            f"prizes-{n}-quantity": "1",
        }
    )
    url = f"/admin/campaigns/rewardtier/{tier.pk}/change/"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[n]
    assert {"amount", "currency"} <= set(errors)

    data.update({f"prizes-{n}-amount": "10", f"prizes-{n}-currency": " usdt "})
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert tier.prizes.get(slug="cash").currency == "USDT"


def test_only_draft_campaigns_can_be_deleted(admin_client, campaign):
    assert admin_client.get(f"/admin/campaigns/campaign/{campaign.pk}/delete/").status_code == 403
    draft = make_campaign(slug="draft", status=Campaign.Status.DRAFT)
    assert admin_client.get(f"/admin/campaigns/campaign/{draft.pk}/delete/").status_code == 200


def test_svg_has_no_style_attributes_in_the_markup(campaign, entries):
    board = campaign_dashboard(campaign=campaign, now=cn(2026, 1, 2, 12))
    chart = chart_svg(board.days)
    assert re.search(r"\sstyle=", chart) is None
    # Jan 3 has not come yet at that moment: no dot for it.
    assert [d.counted for d in board.days] == [True, True, True, False]
    assert chart.count("<polyline") == 2
