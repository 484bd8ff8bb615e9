"""The accounts the campaign demo adds to the square's members, and the members' join
dates moved back to before what they do in January.

The square's demo gives each member a join date within the last ~14 months, relative
to now; the announced campaign sits at fixed dates in 2025–26. Rather than let anyone
act before they joined, a member who takes part has their join date moved earlier
(never later), to a moment planned from the seed.

Extra accounts show what the members cannot: a staff author (whose entry never
counts, and who hides a post), an author who was deactivated afterwards, and people
who signed up during the live campaign and posted there first (its new voices).
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models.functions import Lower

from campaigns import roles
from square.demo import SeedError
from square.models import User
from square.services.accounts import profile_update


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    lang: str
    bio: str


STAFF = Account("square_team", "广场运营小组", "zh", "Square 官方运营账号：活动、规则和社区秩序。")
GONE = Account("ye_qiu", "叶秋", "zh", "写过几条新年计划，后来不再用这个账号了。")
FRESH = (
    Account("su_xiaoqing", "苏晓晴", "zh", "刚注册，第一帖就从年终总结开始。"),
    Account("newbie_noah", "Noah", "en", "Just joined. My first posts on any crypto site."),
)
USERNAMES = [a.username for a in (STAFF, GONE, *FRESH)]


def check_free() -> None:
    """Refuse to seed over accounts someone already made with these names."""
    taken = User.objects.annotate(key=Lower("username")).filter(key__in=USERNAMES)
    if taken.exists():
        found = ", ".join(sorted(taken.values_list("username", flat=True)))
        raise SeedError(f"Campaign demo accounts already exist ({found}); seed a fresh database.")


def account_create(account: Account, *, joined: datetime, password: str, staff=False) -> User:
    """A demo account. Staff and the deactivated author get no usable password: with
    DEBUG off the demo never creates a staff login (see `square.demo._ensure_admin`).
    The staff account hides posts and deactivates an account in the demo, so it holds
    the moderation and user-management roles and no others."""
    user = User.objects.create(
        username=account.username,
        password=password if password else make_password(None),
        date_joined=joined,
        is_staff=staff,
    )
    if staff:
        user.groups.add(*Group.objects.filter(name__in=[roles.MODERATION, roles.USER_MANAGEMENT]))
    return profile_update(user=user, display_name=account.name, bio=account.bio)


def join_by(user: User, moment: datetime) -> None:
    """Make sure `user` joined no later than `moment` (moved earlier only)."""
    if user.date_joined > moment:
        User.objects.filter(pk=user.pk).update(date_joined=moment)
        user.date_joined = moment
