"""/cashtags/<SYMBOL>/: a token's page, linked from every post that names it."""

import pytest

from square.services.posts import post_create
from square.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_post_links_its_cashtag_to_the_tokens_page(client):
    post = post_create(author=UserFactory(), body="买入$sol了 #币圈")
    html = client.get(f"/posts/{post.pk}/").content.decode()
    assert '<a class="cashtag" href="/cashtags/SOL/">$sol</a>' in html


def test_the_tokens_page_lists_its_posts_figures_and_topics(client):
    lin, chen = UserFactory(), UserFactory()
    first = post_create(author=lin, body="$BTC #行情 第一条")
    second = post_create(author=chen, body="$btc #行情 第二条")
    post_create(author=chen, body="$ETH only")
    response = client.get("/cashtags/BTC/")
    assert response.status_code == 200
    assert [p.pk for p in response.context["page"].items] == [second.pk, first.pk]
    figures = response.context["figures"]
    assert (figures["posts"], figures["authors"]) == (2, 2)
    assert [t["hashtag__key"] for t in figures["related"]] == ["行情"]
    trending = [t["cashtag__symbol"] for t in response.context["trending_tokens"]]
    assert trending == ["BTC", "ETH"]


def test_one_address_per_token(client):
    assert client.get("/cashtags/btc/").headers["Location"] == "/cashtags/BTC/"
    assert client.get("/cashtags/100/").status_code == 400
    response = client.get("/cashtags/NEW/")
    assert response.status_code == 200
    assert list(response.context["page"].items) == []


def test_searching_a_cashtag_shows_the_token_and_its_posts(client):
    post = post_create(author=UserFactory(), body="$GT 新年快乐")
    response = client.get("/search/", {"q": "$gt"})
    assert response.context["token"].symbol == "GT"
    assert [p.pk for p in response.context["page"].items] == [post.pk]
    response = client.get("/search/", {"q": "gt"})  # the word is found in the text too
    assert [p.pk for p in response.context["page"].items] == [post.pk]
