"""What each kind of notification says. Other apps add their own kinds here (a prize,
a campaign result) with `register`, so one page and one badge serve them all."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

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


def _describer(alone, with_others):
    """A describer for one row of SQUARE_KINDS: kinds without a plural text say what
    the latest actor did whatever the group's size."""

    def describe(group: NoticeGroup) -> str:
        if with_others is None or not group.others:
            return _say(str(alone), group)
        # `% {"n": …}` makes the lazy plural pick its form for that count
        return _say(with_others % {"n": group.others}, group)

    return describe


# kind: (what one person did, what several did — or None when a notice is never grouped
# that way —, where it leads). Each text is a literal so that makemessages finds it;
# "{n} others" is the group size.
SQUARE_KINDS = {
    "like": (
        gettext_lazy("<b>{actor}</b> liked your post"),
        ngettext_lazy(
            "<b>{actor}</b> and {n} other liked your post",
            "<b>{actor}</b> and {n} others liked your post",
            "n",
        ),
        _post_url,
    ),
    "comment": (
        gettext_lazy("<b>{actor}</b> commented on your post"),
        ngettext_lazy(
            "<b>{actor}</b> and {n} other commented on your post",
            "<b>{actor}</b> and {n} others commented on your post",
            "n",
        ),
        _comment_url,
    ),
    "repost": (
        gettext_lazy("<b>{actor}</b> reposted your post"),
        ngettext_lazy(
            "<b>{actor}</b> and {n} other reposted your post",
            "<b>{actor}</b> and {n} others reposted your post",
            "n",
        ),
        _post_url,
    ),
    "follow": (
        gettext_lazy("<b>{actor}</b> followed you"),
        ngettext_lazy(
            "<b>{actor}</b> and {n} other followed you",
            "<b>{actor}</b> and {n} others followed you",
            "n",
        ),
        _actor_url,
    ),
    "reply": (gettext_lazy("<b>{actor}</b> replied to your comment"), None, _comment_url),
    "quote": (gettext_lazy("<b>{actor}</b> quoted your post"), None, _post_url),
    "mention": (gettext_lazy("<b>{actor}</b> mentioned you in a post"), None, _post_url),
}

for _kind, (_alone, _with_others, _url) in SQUARE_KINDS.items():
    register(_kind, describe=_describer(_alone, _with_others), url=_url)
