"""The live demo campaign #我的2026年终总结: its description, and what members write for
it (looking back on the year they announced in January). All of it is our own writing.
Block format as in `first_post_words`."""

from campaigns.demo.writer import blocks

TITLE = "#我的2026年终总结 年终总结征文"
TITLE_EN = "#我的2026年终总结 — look back on your 2026"
DESCRIPTION = (
    "一年快要过完了。还记得年初在广场上写下的新年第一帖吗？这次请翻出来，对照着写一份"
    "自己的年终总结：完成了哪些目标，哪些计划半路改了方向，在 Web3 里学会了什么、踩过"
    "什么坑，又想把什么带进 2027。带上 #我的2026年终总结 发帖，写满 30 字即可参加，"
    "第一次在广场发帖的朋友另有新人奖励。请写自己的故事，抄袭和洗稿不计入活动。"
)
DESCRIPTION_EN = (
    "The year is almost over. Remember the first post you wrote here in January? Dig it "
    "out and write your own year-end review against it: which goals you reached, which "
    "plans changed course, what you learned (and lost) in Web3, and what you are taking "
    "into 2027. Post with #我的2026年终总结 and at least 30 words to take part; people "
    "posting on the square for the first time get a newcomer reward as well. Tell your "
    "own story: copied or reworded posts do not count."
)

ZH = blocks(
    review="""
    > 2026年终总结，来交作业了。
    > 一年过得好快，又到了写总结的时候。
    > 翻出年初那条新年第一帖，对照着写年终总结。
    > 年终总结，先说结论：比年初的自己好一点。
    年初立的三个目标完成了两个，跑步那个半途而废了。
    定投坚持了整整五十周，中间有两周是真的忘了。
    今年最大的进步是学会了空仓等待，不再每天都想操作。
    读了十一本书，最喜欢的是一本讲概率思维的。
    第一次写出了能跑起来的智能合约，虽然只是个投票小工具。
    交易日记写了两百多页，回头一看，错误基本都是同一类。
    在广场上认识了很多朋友，也收到了很多善意的提醒。
    最遗憾的是没有陪家人出去旅行，明年一定补上。
    钱包做了分层管理，安全感提升了一大截。
    今年亏过也赚过，最后账户比年初多了一点点，心态比收益更重要。
    把应急资金存够了，夜里终于不会因为行情睡不着。
    < 明年继续！
    < 感谢这一年的自己。
    < 2027见。
    """,
)

EN = blocks(
    review="""
    > My 2026 year-end review, as promised back in January.
    > Time to grade my own homework.
    Hit two of my three goals; the half marathon turned into a 10K and I am fine with that.
    Bought BTC nearly every week this year and only skipped when I was travelling.
    Shipped my first contract to mainnet and three friends actually used it.
    My journal shows the same mistake over and over again: entering too early.
    Read ten books, and the one about probability changed how I size positions.
    Met a lot of kind people here who answered my questions without judgement.
    < On to 2027.
    < Thanks for reading.
    """,
)

NEAR = {
    "zh": ["年终总结就一句：今年没亏钱，身体也还行，明年继续努力吧。"],
    "en": ["Year-end review in one line: no big losses, no big wins, and a lot more sleep."],
}
