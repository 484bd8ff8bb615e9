"""Published results are files (issue 18): rendered once at publication and after every
later change of the winners, stored under their SHA-256, served to everyone as they are
— a strong ETag, public caching, 304 — with what is the reader's own in a fragment."""

import hashlib
import json

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from campaigns.models import Award, PublishedFile
from campaigns.selectors import published as published_selectors
from campaigns.services import award_disqualify
from campaigns.tests.factories import four_tier_campaign
from campaigns.tests.selectors.test_results import published
from square.services.moderation import moderation_decide
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return published(four_tier_campaign()[0])


def url(name, campaign, **kwargs):
    return reverse(f"campaigns:{name}", kwargs={"slug": campaign.slug, **kwargs})


def test_publication_stores_every_file_once_under_its_hash(campaign):
    files = PublishedFile.objects.filter(campaign=campaign)
    assert {(f.kind, f.key) for f in files} == {
        ("json", ""), ("page", "zh-hans"), ("page", "en"),
        ("list", "lucky_tickets"), ("list", "participant_tickets"), ("list", "ranking"),
        ("list", "newcomers"),
    }  # fmt: skip
    assert {f.version for f in files} == {1}
    for stored in files:
        with default_storage.open(stored.name) as handle:
            body = handle.read()
        assert hashlib.sha256(body).hexdigest() == stored.etag == stored.name.split("/")[-1][:64]
        assert len(body) == stored.size


@pytest.mark.parametrize("name", ["results_json", "results"])
def test_served_with_a_strong_etag_public_caching_and_304(client, campaign, name):
    response = client.get(url(name, campaign))
    assert response.status_code == 200
    etag = response["ETag"]
    assert etag.startswith('"') and len(etag) == 66
    assert "public" in response["Cache-Control"] and "s-maxage=600" in response["Cache-Control"]
    again = client.get(url(name, campaign), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get(url(name, campaign), HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_page_comes_in_the_readers_language_and_varies_on_it(client, campaign):
    zh = client.get(url("results", campaign), HTTP_ACCEPT_LANGUAGE="zh-hans")
    en = client.get(url("results", campaign), HTTP_ACCEPT_LANGUAGE="en")
    assert zh["ETag"] != en["ETag"]
    assert '<html lang="zh-hans">' in zh.text and '<html lang="en">' in en.text
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in zh["Vary"].split(",")}


def test_a_warm_stored_page_costs_no_query(client, campaign, django_assert_num_queries):
    """Answered from the address by campaigns.middleware: no campaign, no session."""
    client.get(url("results", campaign))
    client.get(url("results_json", campaign))
    with django_assert_num_queries(0):
        assert client.get(url("results", campaign)).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url("results_json", campaign)).status_code == 200


def test_the_stored_page_is_nobodys(campaign):
    """Signed in, a winner gets the same bytes as anyone: no name in the header, no CSRF
    token; their own part comes from the fragment."""
    award = Award.objects.filter(tier__campaign=campaign).exclude(status="revoked").first()
    winner = Client()
    winner.force_login(award.user)
    mine = winner.get(url("results", campaign))
    anyone = Client().get(url("results", campaign))
    assert mine.content == anyone.content
    assert "csrfmiddlewaretoken" not in mine.text and award.user.get_absolute_url() in mine.text
    assert f'data-mine-url="{url("results_mine", campaign)}"' in mine.text
    fragment = winner.get(url("results_mine", campaign), HTTP_X_FRAGMENT="1")
    assert fragment["Cache-Control"].startswith("private") or "private" in fragment["Cache-Control"]
    assert "<html" not in fragment.text and 'data-csrf="' in fragment.text
    assert award.tier.name in fragment.text and 'class="topnav-fresh"' in fragment.text
    whole = winner.get(url("results_mine", campaign))  # without JavaScript: a page
    assert "<html" in whole.text and award.tier.name in whole.text


def test_a_stranger_is_asked_to_log_in_by_the_fragment(client, campaign):
    fragment = client.get(
        url("results_mine", campaign), HTTP_X_FRAGMENT="1", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "to see what the results say about you" in fragment.text


def test_a_disqualification_makes_a_new_version(client, campaign):
    before = client.get(url("results_json", campaign))
    award = (
        Award.objects.filter(tier__campaign=campaign, tier__slug="part")
        .order_by("position")
        .first()
    )
    award_disqualify(award=award, reason="duplicate account")
    after = client.get(url("results_json", campaign))
    assert after["ETag"] != before["ETag"]
    assert PublishedFile.objects.filter(campaign=campaign, version=2).count() == 7
    winners = [
        w["user_id"]
        for t in json.loads(after.content)["tiers"]
        if t["slug"] == "part"
        for w in t["winners"]
    ]
    assert award.user_id not in winners
    # The lists did not change: the same file, the same name, served as before.
    lists = PublishedFile.objects.filter(campaign=campaign, kind="list", key="ranking")
    assert len({f.name for f in lists}) == 1


def test_a_moderation_decision_makes_a_new_version(campaign):
    award = Award.objects.filter(tier__campaign=campaign, tier__slug="lucky").first()
    moderator = UserFactory(is_staff=True, is_superuser=True)
    moderation_decide(post=award.post, actor=moderator, action="hide", reason="spam")
    assert PublishedFile.objects.filter(campaign=campaign).order_by("-version").first().version == 2


def test_the_page_is_not_rendered_per_request(client, campaign, monkeypatch):
    def refuse(**kwargs):
        raise AssertionError("the stored page was rendered again")

    monkeypatch.setattr("campaigns.views.results.results_page_context", refuse)
    monkeypatch.setattr(published_selectors, "results_page_context", refuse)
    assert client.get(url("results", campaign)).status_code == 200


def test_a_list_is_answered_from_its_address_with_its_file_name(
    client, campaign, django_assert_num_queries
):
    client.get(url("list_download", campaign, kind="ranking"))
    with django_assert_num_queries(0):
        response = client.get(url("list_download", campaign, kind="ranking"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="{campaign.slug}-ranking.txt"'
    stored = PublishedFile.objects.filter(campaign=campaign, kind="list", key="ranking").first()
    assert hashlib.sha256(response.content).hexdigest() == stored.etag


def test_other_methods_and_unknown_lists_go_on_to_the_views(client, campaign):
    assert client.post(url("results", campaign)).status_code == 405
    assert client.get(url("list_download", campaign, kind="nonsense")).status_code == 404
    assert client.get("/campaigns/no-such-campaign/results/").status_code == 404
