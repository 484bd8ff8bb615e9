"""`found_or_404`: what a selector hid is the site's one 404 page."""

import pytest
from django.http import Http404

from square.models import Post
from square.project.not_found import found_or_404
from square.tests.factories import PostFactory
from square.views.interactions import repost


def test_what_was_found_comes_back_as_it_is():
    found = object()
    assert found_or_404(found) is found


@pytest.mark.parametrize("falsy", [0, "", []])
def test_only_none_is_not_found(falsy):
    assert found_or_404(falsy) is falsy


def test_none_is_a_404():
    with pytest.raises(Http404):
        found_or_404(None)


@pytest.mark.django_db
def test_reposting_a_hidden_post_is_the_sites_404_page(client, user, other_user):
    """The repost view raised nothing and rendered 404.html itself; now the handler
    renders the same page (same template, same status) for it as for any missing post."""
    hidden = PostFactory(author=other_user, status=Post.Status.HIDDEN)
    client.force_login(user)
    response = client.get(f"/posts/{hidden.pk}/repost/")
    missing = client.get("/posts/987654/")
    assert response.status_code == missing.status_code == 404
    names = [t.name for t in response.templates]
    assert "404.html" in names
    assert names == [t.name for t in missing.templates]


@pytest.mark.django_db
def test_the_repost_view_raises_http404_for_a_post_it_may_not_see(rf, other_user, user):
    """It hands the 404 to the handler, as every other view does, instead of drawing it."""
    hidden = PostFactory(author=other_user, status=Post.Status.HIDDEN)
    request = rf.get(f"/posts/{hidden.pk}/repost/")
    request.user = user
    with pytest.raises(Http404):
        repost(request, pk=hidden.pk)
