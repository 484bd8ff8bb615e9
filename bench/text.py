"""Post and comment bodies from word pools: Chinese (most posts) and English.

The texts are nonsense, but their statistics are what the pages and the duplicate
index care about: lengths from a one-liner to a 1,000-字 article, a few hashtags, and a
large 3-gram vocabulary — words from a small pool are mixed with characters drawn
(Zipf-like) from ~500 common ones, so two unrelated posts share almost no shingles,
as real posts do. A small pool alone would make every long post a "near copy" of
thousands of others and the duplicate check would measure a worst case nobody has.
"""

import random
from itertools import accumulate

COMMON = (
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生"
    "自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与"
    "好看学进种将还分此心前面又定见只主没公从知已开意现给把等由力机长少全相位外点理提"
    "问想情正新然入气本老最高今西已头期活使实两明体因路度更内工向西觉果常该性通东直名"
    "部电世美口打手车比反加口水由白信重原许决被门城政非表回海做南空清接建结花候论世路"
    "信光平住星望收往任命思拿爱朋友快乐祝福希望努力梦想未来币链交易行情涨跌仓位投资市"
    "场价格区块钱包合约现货社区活动分享今天明天周末早晚春夏秋冬雪雨风阳月山河湖江城市"
    "旅游美食咖啡音乐电影读书运动跑步健身工作学习考试加班休息睡觉家人孩子父母朋友同事"
    "开心难过紧张期待感谢谢谢辛苦加油支持关注点赞评论转发第次个条篇张份件样种些每各其"
    "讲写读听见闻问答想念记忆忘记计划目标完成开始结束坚持改变成长收获经验教训总结回顾"
    "新旧大小多少高低长短快慢远近早晚冷热轻重真假对错黑白红绿蓝黄紫金银铜铁木石土火水"
)
_ZH_WORDS = (
    "比特币 以太坊 区块链 新年快乐 今天 明天 目标 计划 坚持 学习 工作 朋友 家人 希望 感谢 "
    "市场 行情 仓位 交易 长期 短期 价值 风险 收益 社区 活动 分享 经验 总结 复盘 心得 成长 "
    "梦想 努力 加油 早上好 晚安 周末 咖啡 跑步 读书 旅行 美食 音乐 电影 健身 减肥 早睡 "
    "早起 合约 现货 钱包 空投 质押 挖矿 公链 生态 项目 团队 路线图 白皮书 去中心化 安全 "
    "私钥 助记词 新手 老手 韭菜 牛市 熊市 震荡 突破 支撑 阻力 均线 成交量 波动 资金 "
    "第一次 第一帖 新的一年 这一年 回顾 展望 愿望 心愿 祝福 平安 健康 快乐 顺利 发财 "
    "认真 思考 记录 生活 城市 春天 冬天 雪花 阳光 海边 山上 地铁 公司 老板 同事 加班 "
    "考试 毕业 结婚 孩子 父母 老师 学生 手机 电脑 网络 数据 模型 人工智能 机器人 未来"
)
_EN_WORDS = (
    "the a to of and in is it that for on with this my new year first post today market "
    "bitcoin ethereum chain wallet token trade long short price chart support resistance "
    "volume risk reward plan goal learn build ship code write read run coffee morning night "
    "weekend friends family team community share thanks hope dream work study keep going "
    "small steps every day better than yesterday simple honest review lesson notes growth "
    "start finish hold sell buy spot futures stake yield airdrop project roadmap security "
    "private key seed phrase beginner veteran bull bear range breakout trend signal noise "
    "data model agent robot future city winter spring snow sun sea mountain train office "
    "boss deadline exam graduate wedding kids parents teacher student phone laptop network "
    "why how what when where who because so but or not never always maybe really very just "
    "still again more less most best worst great good bad fine okay happy tired busy calm"
)
ZH_WORDS, EN_WORDS = _ZH_WORDS.split(), _EN_WORDS.split()
COMMON = "".join(dict.fromkeys(COMMON))  # one entry per character
_RANKS = range(1, len(COMMON) + 1)
_CUM = list(accumulate(1 / r**0.8 for r in _RANKS))  # Zipf-like: a few chars dominate
ZH_PUNCT = "，，，。！？、"


def _zh_piece(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(ZH_WORDS)
    if roll < 0.43:
        return rng.choice(("BTC", "ETH", "Web3", "AI", "2026", "OK", "NFT"))
    return "".join(rng.choices(COMMON, cum_weights=_CUM, k=rng.randint(1, 2)))


def zh_text(rng: random.Random, units: int) -> str:
    """About `units` 字 of Chinese, with commas and full stops every few words."""
    out, count, since_punct = [], 0, 0
    while count < units:
        piece = _zh_piece(rng)
        out.append(piece)
        count += 1 if piece.isascii() else len(piece)
        since_punct += 1
        if since_punct > rng.randint(4, 12):
            out.append(rng.choice(ZH_PUNCT))
            since_punct = 0
    return "".join(out) + "。"


def en_text(rng: random.Random, words: int) -> str:
    """About `words` English words in sentences."""
    out = []
    while len(out) < words:
        sentence = rng.choices(EN_WORDS, k=rng.randint(5, 14))
        sentence[0] = sentence[0].capitalize()
        out.extend([*sentence[:-1], sentence[-1] + rng.choice(".!?.")])
    return " ".join(out)


def post_length(rng: random.Random, *, campaign: bool) -> int:
    """Units of a post: mostly short notes, some articles (up to ~1,000 字). A campaign
    post usually clears the 30-字 minimum; about 5% fall short."""
    roll = rng.random()
    if campaign:
        return rng.randint(12, 29) if roll < 0.05 else rng.choice((35, 50, 80, 120, 200, 400))
    if roll < 0.05:
        return rng.randint(3, 14)  # below the index's 15-unit floor
    if roll < 0.75:
        return rng.randint(15, 80)
    if roll < 0.95:
        return rng.randint(80, 300)
    return rng.randint(300, 1000)


def post_body(rng: random.Random, units: int, tags: list[str], *, lead_tag: str = "") -> str:
    """A post: Chinese (85%) or English text, `lead_tag` first and `tags` at the end."""
    body = zh_text(rng, units) if rng.random() < 0.85 else en_text(rng, min(units, 600))
    if lead_tag:
        body = f"#{lead_tag} {body}"
    if tags:
        body += " " + " ".join(f"#{t}" for t in tags)
    return body


def comment_body(rng: random.Random) -> str:
    if rng.random() < 0.85:
        return zh_text(rng, rng.randint(2, 40))
    return en_text(rng, rng.randint(2, 25))


def hashtag_names(rng: random.Random, n: int, reserved: str) -> list[str]:
    """`n` distinct tag names (`reserved`, the campaign tag, first): pairs of Chinese
    words and CamelCase English pairs, distinct after case-folding."""
    names, seen = [reserved], {reserved.casefold()}
    while len(names) < n:
        if rng.random() < 0.5:
            name = rng.choice(ZH_WORDS) + rng.choice(ZH_WORDS)
        else:
            name = rng.choice(EN_WORDS).capitalize() + rng.choice(EN_WORDS).capitalize()
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names
