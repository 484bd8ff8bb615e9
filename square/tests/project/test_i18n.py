"""The interface speaks Simplified Chinese by default and English on request.

Needs the compiled catalogues in `locale/` (zh_Hans and en): until they exist the two
languages show the same English source text and these tests fail.
"""

import re

import pytest

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1).strip()


def nav(html: str) -> str:
    return re.search(r'<nav class="topnav">(.*?)</nav>', html, re.DOTALL).group(1)


def set_language(client, code: str):
    response = client.post("/i18n/setlang/", {"language": code, "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_chinese_is_the_default(client):
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert CJK.search(title(html)), title(html)
    assert "Log in" not in nav(html)
    assert "Welcome to Square" not in html


def test_english_on_request(client):
    set_language(client, "en")
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert not CJK.search(title(html)), title(html)
    assert "Log in" in nav(html) and "Sign up" in nav(html)
    assert "Welcome to Square" in html


def test_the_two_languages_differ(client):
    chinese = client.get("/").content.decode()
    set_language(client, "en")
    english = client.get("/").content.decode()
    assert title(chinese) != title(english)
    assert nav(chinese) != nav(english)


def test_language_choice_sticks_and_can_go_back(client):
    set_language(client, "en")
    assert '<html lang="en">' in client.get("/search/").content.decode()
    set_language(client, "zh-hans")
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert CJK.search(title(html))


def test_accept_language_english_is_honoured(client):
    html = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="en">' in html


def test_logged_in_pages_are_translated(client, user):
    client.force_login(user)
    chinese = client.get("/compose/").content.decode()
    set_language(client, "en")
    english = client.get("/compose/").content.decode()
    assert CJK.search(title(chinese)) and not CJK.search(title(english))
