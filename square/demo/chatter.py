"""What demo members say to each other: comments, replies and repost quotes.

Short and general on purpose, so any line reads naturally under any post (a greeting, a
question, agreement, some crypto small talk). One line per item; replies are the short
answers that only make sense under another comment. All of it is our own writing.
"""


def _lines(block: str) -> list[str]:
    return [line.strip() for line in block.splitlines() if line.strip()]


ZH_COMMENTS = """
写得很实在，收藏了。
新年快乐！祝今年少踩坑，多收获 🎉
恭喜恭喜，这波能拿住真不容易。
同感，我去年也是这么过来的。
请教一下，这个数据是用什么工具看的？
说得对，仓位管理真的比方向重要。
学到了，谢谢分享！
这个思路不错，回头我也试试。
前排围观，等后续更新。
新年快乐呀，祝广场的朋友们都顺顺利利！
有没有详细一点的教程？想跟着学。
默默点个赞，能坚持定投的人都值得尊敬。
哈哈，跨年夜盯K线的原来不止我一个。
这段话我要抄到自己的交易日记里。
请问最近主网的gas大概多少？
看完立刻去检查了一遍钱包授权。
这个复盘比很多研报写得都清楚。
一起加油，今年争取少操作。
同问，我也卡在这一步了。
我觉得还得看成交量配合，不然容易被假突破骗。
恭喜达成目标！下一个小目标是什么？
太真实了，每次追高都会被市场教育。
有道理，不过短期可能还要震荡一阵。
收藏了，周末慢慢看。
这张图画得好清楚，能分享一下模板吗？
L2的手续费确实便宜太多，体验好了很多。
助记词备份这件事，怎么强调都不为过。
祝新的一年身体健康，账户也健康 🧧
第一次见到有人把DeFi的风险讲得这么明白。
我家里也在跑节点，有空交流一下配置。
稳住，别被情绪带着走。
已关注，期待更多学习笔记。
这个协议我也在用，收益确实在往下走。
小白想问一下，助记词和私钥有什么区别？
说到心坎里了，慢就是快。
感觉这一轮山寨的节奏和以前不太一样。
好文，转给我们社团的同学看看。
今年的目标写下来了吗？我先写了三条。
每次看你的复盘都有收获。
赞同，看不懂的项目坚决不碰。
线下Meetup什么时候再办？想去参加。
这个观点挺有意思，不过我持保留意见。
恭喜入圈两周年！
早上好，今天也要按计划来。
"""

ZH_REPLIES = """
谢谢！一起加油 💪
哈哈，被你发现了。
是的，我也是踩过坑才明白的。
等我整理好了再发出来。
我一般用区块浏览器，自己加了几个书签。
同意你说的。
好问题，我也还在摸索。
感谢指正，已经改过来了。
可以私信我，详细聊聊。
新年快乐！
对，这一点很关键。
有空一起复盘一下。
不客气，能帮上忙就好。
我倒觉得还得再观察几天。
哈哈，同款作息。
收到，下次注意！
"""

EN_COMMENTS = """
Great write-up, saving this one.
Happy New Year! Wishing you green candles and calm nerves.
Congrats, that's a solid milestone.
Same here, I learned that lesson the hard way.
Which tool do you use for this chart?
Position sizing is underrated. Totally agree.
Thanks for sharing, this is really clear.
Bookmarked for the weekend.
Gas was surprisingly low this morning.
Revoked a bunch of old approvals after reading this.
Interesting take, but I'd wait for volume to confirm.
Cold storage gang 🥶
Any good intro docs on account abstraction?
This is the kind of post I come here for.
Keep going, consistency wins.
L2 fees make small experiments fun again.
Not sure I agree, but well argued.
What's your plan if it breaks out of the range?
Love seeing people write their goals down.
gm! Good luck with the year.
The part about DeFi risk is spot on.
Following for more notes like this.
"""

EN_REPLIES = """
Thanks! Glad it helped.
Good question, still figuring that out myself.
Haha, guilty as charged.
Fair point, noted.
Will post a follow-up soon.
Agreed, that's the key part.
Happy New Year to you too!
DM me and I'll share the link.
"""

COMMENTS = {"zh": _lines(ZH_COMMENTS), "en": _lines(EN_COMMENTS)}
REPLIES = {"zh": _lines(ZH_REPLIES), "en": _lines(EN_REPLIES)}
