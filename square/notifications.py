"""What each kind of notification says. Other apps add their own kinds here (a prize,
a campaign result) with `register`, so one page and one badge serve them all."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from square.models import Notification


@dataclass(frozen=True)
class NoticeGroup:
    """One line on the notifications page: the latest event of a group and its size."""

    latest: Notification
    actors: int
    unread: bool

    @property
    def others(self) -> int:
        return max(self.actors - 1, 0)


@dataclass(frozen=True)
class Kind:
    describe: Callable[[NoticeGroup], str]  # safe HTML: escape what people wrote
    url: Callable[[Notification], str]


KINDS: dict[str, Kind] = {}


def register(kind: str, *, describe, url) -> None:
    KINDS[kind] = Kind(describe=describe, url=url)


def describe(group: NoticeGroup) -> str:
    kind = KINDS.get(group.latest.kind)
    return kind.describe(group) if kind else _("Something happened.")


def url_of(notice: Notification) -> str:
    kind = KINDS.get(notice.kind)
    return kind.url(notice) if kind else reverse("notifications")


def _actor(group: NoticeGroup) -> str:
    return group.latest.actor.name if group.latest.actor else _("Someone")


def _say(template: str, group: NoticeGroup) -> str:
    """Fill a translated template with the (escaped) actor name and the others count."""
    return format_html(template, actor=_actor(group), n=group.others)


def _post_url(notice: Notification) -> str:
    return reverse("post_detail", kwargs={"pk": notice.post_id})


def _comment_url(notice: Notification) -> str:
    return _post_url(notice) + f"#comment-{notice.comment_id}"


def _actor_url(notice: Notification) -> str:
    return reverse("profile", kwargs={"username": notice.actor.username})


# Each text is a literal so that makemessages finds it; "{n} others" is the group size.
def _like(g: NoticeGroup) -> str:
    if not g.others:
        return _say(_("<b>{actor}</b> liked your post"), g)
    return _say(
        ngettext(
            "<b>{actor}</b> and {n} other liked your post",
            "<b>{actor}</b> and {n} others liked your post",
            g.others,
        ),
        g,
    )


def _comment(g: NoticeGroup) -> str:
    if not g.others:
        return _say(_("<b>{actor}</b> commented on your post"), g)
    return _say(
        ngettext(
            "<b>{actor}</b> and {n} other commented on your post",
            "<b>{actor}</b> and {n} others commented on your post",
            g.others,
        ),
        g,
    )


def _repost(g: NoticeGroup) -> str:
    if not g.others:
        return _say(_("<b>{actor}</b> reposted your post"), g)
    return _say(
        ngettext(
            "<b>{actor}</b> and {n} other reposted your post",
            "<b>{actor}</b> and {n} others reposted your post",
            g.others,
        ),
        g,
    )


def _follow(g: NoticeGroup) -> str:
    if not g.others:
        return _say(_("<b>{actor}</b> followed you"), g)
    return _say(
        ngettext(
            "<b>{actor}</b> and {n} other followed you",
            "<b>{actor}</b> and {n} others followed you",
            g.others,
        ),
        g,
    )


register("like", describe=_like, url=_post_url)
register("comment", describe=_comment, url=_comment_url)
register("repost", describe=_repost, url=_post_url)
register("follow", describe=_follow, url=_actor_url)
register(
    "reply",
    describe=lambda g: _say(_("<b>{actor}</b> replied to your comment"), g),
    url=_comment_url,
)
register("quote", describe=lambda g: _say(_("<b>{actor}</b> quoted your post"), g), url=_post_url)
register(
    "mention",
    describe=lambda g: _say(_("<b>{actor}</b> mentioned you in a post"), g),
    url=_post_url,
)
