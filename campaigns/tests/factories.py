"""Campaign test data in one place: campaigns, tiers, prizes, members and timed acts.

Times default to the announced New-Year window (2025-12-31 18:00 → 2026-01-15 23:59:59,
Beijing time), which is in the past: posts are placed in it with `post_create(created_at=)`,
and likes, comments and reposts — which the services always make "now" — are made and
then moved in time with a queryset `update` (see `like_at`, `comment_at`, `repost_at`).
"""

import random
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import factory
from django.utils import timezone

from campaigns.demo.beacons import delay_to, recorded
from campaigns.models import Campaign, Prize, RewardTier
from campaigns.services.scores import score_rows_interaction
from square.models import Comment, Like, Post, User
from square.services.comments import comment_create
from square.services.interactions import like_create
from square.services.posts import post_create, repost_create
from square.tests.factories import UserFactory

CN = dt_timezone(timedelta(hours=8), "UTC+8")


def cn(*args) -> datetime:
    """A Beijing-time instant: `cn(2026, 1, 1, 9, 30)`."""
    return datetime(*args, tzinfo=CN)


WINDOW_START = cn(2025, 12, 31, 18, 0, 0)
WINDOW_END = cn(2026, 1, 15, 23, 59, 59)
DURING = cn(2026, 1, 5, 12, 0, 0)  # a moment well inside the window
BEFORE = cn(2025, 12, 1, 12, 0, 0)  # well before it
AFTER = cn(2026, 2, 1, 12, 0, 0)  # well after it
LONG_AGO = cn(2025, 6, 1, 12, 0, 0)  # when established members joined

# The real beacon of the round a factory campaign pins: what its draw takes.
RECORDED = recorded()

TAG = "我的2026第一帖"
ALIASES = ["我的2026第一条帖", "我的2026第一條帖"]
# Thirty different Han characters: exactly the default minimum, with enough variety.
# One fixed text, for a test with a single post (or one post edited): posts by several
# people, or several entries of one person, need texts of their own (`entry_text()`),
# or the near-duplicate check takes them for copies of each other.
THIRTY = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"
VALID_TEXT = f"#{TAG} {THIRTY}"
SHORT_TEXT = f"#{TAG} 新年快乐"  # tagged, 4 units: too short (never compared: under 15)

# Common Han characters, each one unit that every normalisation leaves as it is; none
# of THIRTY's, the tags' or 新年快乐 (tests search for those), so made-up texts never
# share a run of characters with the fixed ones.
HAN_POOL = (
    "是不了人在有他这中大来上国个到说们为和你地出道也时得就那要下以生会自着去之过家学"
    "对可她里后小么心多天而能好都然没于起还发成事只作当想看文无开手用主行方又如前所本"
    "见经头面公同已老从动两长知民样现分将外但身些与高意进把法此实回理美点月明其种声全"
    "工话儿者向情部正名定女问力机给等很业最间什打便位因重被走电门相次东海口使教西再平"
    "真听世气信北少关并内加化由却代产入先山太水万市眼体别处总才场师书比住员笑性通目华"
    "报立马命张活难神数件安表原车白应路期叫常提感金何更反合放做系计或司利受光王果亲界"
    "及今京务制解任至清物台象记边共风干接许特觉望直服毛林题建南度统色字请交爱让认算论"
    "百吃义科怎元社术结功指思非流每青管夫连远资队跟带花院变联言往展该领传近留红治决周"
    "保达办运武半候必城父强步完深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识"
    "极令黄德收脸钱倒持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单"
    "据导影失拿网香似斯专石若弟谁校读志飞观争究包组造落视济喜离虽坏兴切掉拉底船团集罗"
    "确型证苦营怕愿引规效阳断故母级讲晚河注须响格布吗送准称况低养假停习谈终希男病刚复"
    "古存速树春夏秋冬雪雨云星鸟鱼虎龙牛羊猪狗猫草木森田米茶酒饭菜汤糖盐油画歌舞诗唱跳"
    "跑游泳球棋琴灯窗桌椅床衣鞋帽袜伞桥街村镇省岛湖湾港峰谷岸沙土岩铁铜银纸笔墨砚朋伴"
    "客宾邻居哥姐妹叔姨舅爷奶孙宝贝甜酸辣咸淡热冷暖凉湿松紧厚薄宽窄尖圆弯亮暗静闹迟忙"
    "闲富穷"
)
TEXTS_SEED = 2026


class _Texts:
    """Made-up texts of different characters from `HAN_POOL`, no two of which share a
    run of three characters (the near-duplicate check compares character 3-grams), so
    any two are unrelated posts. Deterministic: the same calls give the same texts, and
    `texts_restart()` (run before every campaigns test) starts the sequence again."""

    def __init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        self._rng = random.Random(TEXTS_SEED)
        self._runs: set[str] = set()

    def take(self, length: int) -> str:
        if not 0 < length <= len(HAN_POOL):
            raise ValueError(f"a made-up text has 1 to {len(HAN_POOL)} characters")
        while True:
            chars = self._rng.sample(HAN_POOL, length)
            runs = {"".join(chars[i : i + 3]) for i in range(length - 2)}
            if not runs & self._runs:
                self._runs |= runs
                return "".join(chars)


_texts = _Texts()


def texts_restart() -> None:
    """Start the made-up texts again (an autouse fixture does it before every test)."""
    _texts.restart()


def distinct_text(length: int = 30) -> str:
    """`length` different Han characters, untagged: a new text on every call, sharing no
    3-character run with any other (call it inside tests, not at import time)."""
    return _texts.take(length)


def entry_text(tag: str = TAG, extra: str = "", length: int = 30) -> str:
    """A text that passes every text rule with `tag`: the tag, then `length` (by default
    exactly the minimum of 30) different characters, new on every call (see
    `distinct_text`), so the posts of a test are independent posts. A shorter `length`
    makes a tagged text that is too short; `extra` is added at the end as it is."""
    return f"#{tag} {distinct_text(length)}{extra}"


class CampaignFactory(factory.django.DjangoModelFactory):
    """A scheduled campaign over the New-Year window with the model's default rules.

    `CampaignFactory(live=True)` opens the window around the real clock instead, for the
    writes that cannot be dated (quotes are always posted "now")."""

    class Meta:
        model = Campaign

    class Params:
        live = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
            ends_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=7)),
        )

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    title = factory.Sequence(lambda n: f"#{TAG} campaign {n}")
    hashtag = TAG
    aliases = factory.LazyFunction(lambda: list(ALIASES))
    starts_at = WINDOW_START
    ends_at = WINDOW_END
    status = Campaign.Status.SCHEDULED
    # Pins the recorded round (campaigns/demo/relay/) when the campaign ends before it,
    # so a test draws with a real beacon (`RECORDED`); else the model's default.
    entropy_delay = factory.LazyAttribute(lambda c: delay_to(c.ends_at) or timedelta(hours=1))


class RewardTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RewardTier

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"tier-{n}")
    name = factory.Sequence(lambda n: f"Tier {n}")
    kind = RewardTier.Kind.LEADERBOARD
    winners = 10
    order = factory.Sequence(lambda n: n)


class PrizeFactory(factory.django.DjangoModelFactory):
    """A physical prize; `PrizeFactory(voucher=True)` for a 50 USDT voucher."""

    class Meta:
        model = Prize

    class Params:
        voucher = factory.Trait(kind=Prize.Kind.VOUCHER, amount="50.00", currency="USDT")

    tier = factory.SubFactory(RewardTierFactory)
    slug = factory.Sequence(lambda n: f"prize-{n}")
    kind = Prize.Kind.PHYSICAL
    label = factory.Sequence(lambda n: f"Gift box {n}")


class MemberFactory(UserFactory):
    """A member whose account is long established (old enough to count as interactor)."""

    date_joined = LONG_AGO


# --- acts placed in time ----------------------------------------------------------------


def member(*, joined: datetime = LONG_AGO, **fields) -> User:
    return MemberFactory(date_joined=joined, **fields)


def entry_post(author: User, at: datetime = DURING, body: str | None = None, **kwargs) -> Post:
    """A post written through `post_create` at `at` (a valid entry unless `body` says not)."""
    return post_create(
        author=author, body=entry_text() if body is None else body, created_at=at, **kwargs
    )


def _after(post: Post, at: datetime | None) -> datetime:
    """When an act happens: `at`, or an hour after the post was written."""
    return at if at is not None else post.created_at + timedelta(hours=1)


def _backdated(post_id: int, user: User) -> None:
    """An act was moved in time after its hook ran (history written in the past): the
    live leaderboard rows it touches are recomputed as the hook would have."""
    score_rows_interaction(post_id=post_id, user_id=user.pk)


def like_at(user: User, post: Post, at: datetime | None = None) -> Like:
    like_create(user=user, post=post)
    Like.objects.filter(user=user, post=post).update(created_at=_after(post, at))
    _backdated(post.pk, user)
    return Like.objects.get(user=user, post=post)


def comment_at(user: User, post: Post, at: datetime | None = None, body: str = "好帖") -> Comment:
    comment = comment_create(author=user, post=post, body=body)
    Comment.objects.filter(pk=comment.pk).update(created_at=_after(post, at))
    _backdated(comment.post_id, user)
    comment.refresh_from_db()
    return comment


def repost_at(user: User, post: Post, at: datetime | None = None, quote: str = "") -> Post:
    """A plain repost (or a quote) of `post`, moved to `at`. The campaign entry a tagged
    quote makes is judged when it is written, so date tagged quotes with a live campaign."""
    repost, _created = repost_create(author=user, post=post, quote=quote)
    Post.objects.filter(pk=repost.pk).update(created_at=_after(post, at))
    _backdated(repost.repost_of_id, user)
    repost.refresh_from_db()
    return repost


def four_tier_campaign(*, people: int = 12, participant_winners: int = 5, **fields):
    """A campaign shaped like the announced one (lucky draw of 1, top 3, every newcomer,
    a participant draw) with `people` members posting 1–3 valid entries each and some
    likes among them. Returns (campaign, members, posts)."""
    campaign = CampaignFactory(**fields)
    lucky = RewardTierFactory(campaign=campaign, slug="lucky", kind="lucky_post_draw", winners=1)
    PrizeFactory(tier=lucky, kind="voucher", amount=2026, currency="USDT", label="2026U")
    top = RewardTierFactory(campaign=campaign, slug="top", kind="leaderboard", winners=3)
    PrizeFactory(tier=top, kind="physical", label="gift box")
    new = RewardTierFactory(campaign=campaign, slug="new", kind="newcomer", winners=None)
    PrizeFactory(tier=new, kind="voucher", amount=50, currency="USDT", label="50U")
    part = RewardTierFactory(
        campaign=campaign, slug="part", kind="participant_draw", winners=participant_winners
    )
    PrizeFactory(tier=part, kind="physical", label="F1 pack")
    members = [member() for _ in range(people)]
    posts = []
    for i, person in enumerate(members):
        for k in range(1 + i % 3):
            posts.append(entry_post(person, at=DURING + timedelta(minutes=10 * i + k)))
    for i, post in enumerate(posts[:8]):
        for fan in members[-(i % 4 + 1) :]:
            if fan.pk != post.author_id:
                like_at(fan, post)
    return campaign, members, posts
