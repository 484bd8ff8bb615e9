"""What demo members write for #我的2026第一帖: first words for 2026, New-Year goals and
plans, and where they want to explore and grow in Web3. All of it is our own writing.

A theme block has one item a line: `>` opening lines, `<` closing lines, other lines are
the core sentences an entry is composed of (see `writer.py`). NEAR lines count 24–29 字
(just under the 30 the campaign asks for), LOW lines are long enough but say one thing
over and over, so the demo shows each way an entry can miss.
"""

from campaigns.demo.writer import blocks, lines

ZH = blocks(
    words="""
    > 2026年的第一句话，留给自己：
    > 跨年钟声刚敲完，先来打个卡。
    > 新年第一帖，写给一年后的我。
    > 零点刚过，广场已经好热闹。
    > 在回老家的高铁上迎来了新的一年。
    > 新年快乐，广场的朋友们！
    > 元旦早上醒来，第一件事就是来发这一帖。
    > 窗外还有人在放烟花，我在这里写下今年的第一句话。
    不求暴富，只求每一次决定都是想清楚了再做的。
    去年最大的收获是学会了等待，今年想学会该出手时就出手。
    愿我们都能在波动里保持平静，在平静里保持好奇。
    希望今年的自己少一点焦虑，多一点耐心，也多一点勇气。
    跨年夜没有盯盘，陪家人吃了顿火锅，感觉比什么行情都重要。
    过去这一年跌跌撞撞，但总算没有停下学习的脚步。
    给自己的第一句话是：慢慢来，比较快。
    想对自己说，别拿别人的节奏来要求自己，每个人的花期都不一样。
    新年第一天，把手机里那些乱七八糟的价格提醒全都关掉了。
    今年想做一个更稳定的人，情绪稳定，作息稳定，仓位也稳定。
    希望一年后回头看这条帖子时，能对自己点点头。
    把去年没完成的清单撕掉了，重新写了一张更短、更具体的。
    愿所有认真生活的人，都能被这一年温柔以待。
    谢谢去年在广场上认识的朋友们，你们的分享帮了我很多。
    零点的烟花一朵接一朵，像极了一根根向上的阳线。
    去年这个时候我还不知道什么是私钥，今年已经能给朋友讲明白了。
    < 2026，请多指教！
    < 新年快乐，一起加油。
    < 一年后再回来看这条。
    < 冲鸭！
    < 干杯🥂
    < 祝大家都平安顺利。
    """,
    goals="""
    > 立个flag，年底回来还愿。
    > 我的新年目标清单来了：
    > 新年计划写了几条，公开出来请大家监督。
    > 今年的小目标不多，但每一条都想认真做到。
    > 翻了翻去年的计划，完成率大概只有四成，今年换个写法。
    每周定投一次比特币，不看价格，只看纪律。
    每个月读完一本书，读完写至少五百字的笔记。
    坚持跑步，争取年底前跑完人生第一个半程马拉松。
    把交易日记坚持写满一整年，每一笔都要写清楚理由。
    先存够半年的生活费作为应急资金，再考虑别的投资。
    学会用表格管理仓位，不再凭感觉随手下单。
    每天最多看两次行情，剩下的时间好好工作、好好生活。
    今年想考下一个职业证书，给自己多留一条路。
    戒掉深夜刷手机，先从每天十二点前睡觉开始。
    给家人写一份简单的资产说明，万一有事大家都不慌。
    每个季度做一次复盘，看看哪些计划需要调整。
    止损线设好了就执行，不再给自己找任何借口。
    今年把信用卡的欠款全部还清，轻装上阵。
    每周至少陪父母吃一顿饭，工作再忙也不例外。
    < 大家来监督我！
    < 年底回来交作业。
    < 写下来就完成了一半。
    < 共勉。
    < 一起打卡吧！
    """,
    web3="""
    > 入圈第三年，新的一年想换个方式玩。
    > Web3这条路，今年继续走下去。
    > 今年给自己定的Web3学习路线：
    > 作为一个链上新手，说说我的新年打算。
    想认真读完比特币和以太坊的白皮书，不再只看别人的解读。
    计划每个月体验一个新的二层网络，记下手续费和到账速度。
    学着写一个最简单的智能合约，哪怕只是一个存钱罐。
    把钱包分层管理：冷钱包放长期仓位，热钱包只放零花钱。
    想参加一次线下黑客松，哪怕只是去帮忙打杂也好。
    多看链上数据，少听群里那些来路不明的消息。
    把所有授权过的合约都检查一遍，该撤销的全部撤销。
    试着写一个小小的社区提案，看看去中心化治理到底怎么运作。
    把自己的学习笔记整理成系列，分享给刚入圈的朋友。
    去年被钓鱼链接骗过一次，今年安全意识一定放在第一位。
    想弄明白账户抽象到底能给普通用户带来什么改变。
    在家里跑一个自己的节点，真正理解区块是怎么被验证的。
    不追每一个热点，只深入研究两三个自己真正看得懂的方向。
    在广场上多写一点，用输出倒逼自己输入。
    < 一起成长！
    < 慢慢来，别掉队。
    < 有同路的朋友欢迎交流。
    < 学无止境。
    < 链上见！
    """,
)

EN = blocks(
    words="""
    > First post of 2026, here goes.
    > Midnight just passed and I'm writing this before bed.
    > A note to myself for the new year:
    > Happy New Year, square!
    I don't need a perfect year, just one where I keep showing up.
    Last year taught me patience; this year I want to learn when to act.
    Spent the countdown with family instead of charts and I don't regret it one bit.
    Wishing everyone here calm nerves and steady hands for the next twelve months.
    My one word for this year is focus, and I am going to hold myself to it.
    Thank you to everyone who answered my beginner questions last year.
    If I can read this post in twelve months and nod, that is a win.
    I'm letting go of the trades I missed and keeping the lessons they taught me.
    New year, same coffee, better habits.
    Less noise and more signal: that is the whole plan.
    < Cheers to 2026!
    < See you all on the other side.
    < Let's go.
    < Hold me to it.
    """,
    goals="""
    > Writing my goals down so I can't pretend I never had them:
    > Three goals for 2026, nothing fancy.
    > Here's my plan for the year.
    Buy a small amount of BTC every week, no matter what the price does.
    Read one book a month and write a short summary of each one.
    Keep a journal for every single position, including the embarrassing ones.
    Build an emergency fund that covers six months before taking any new risk.
    Run three times a week and sign up for a half marathon in the autumn.
    Check the market twice a day at most and spend the rest of the time building.
    Finish the online course I started and abandoned twice already.
    Review the plan every quarter and cut whatever is not working.
    Set the stop before entering a trade and actually respect it.
    < Check back in December.
    < Accountability post, feel free to ping me.
    < Small steps, every week.
    """,
    web3="""
    > Year three in crypto and I want to go deeper, not wider.
    > My Web3 learning plan for 2026:
    > Starting the year with a simple promise to myself.
    Ship one small smart contract to mainnet, even if nobody uses it but me.
    Try a different rollup every month and write down what the experience was like.
    Move long-term holdings to cold storage and keep only pocket money in hot wallets.
    Join a DAO and actually vote instead of just lurking in the forum.
    Run my own node so I understand what I am trusting.
    Read the whitepapers myself instead of relying on threads about them.
    Revoke every old token approval and keep a list of what I sign.
    Write a beginner guide in English and Chinese for friends who are just starting.
    Go to at least one hackathon and meet the people behind the tools I use.
    < Onchain we grow.
    < gm and good luck to all the builders.
    < Let's build.
    """,
)

NEAR = {
    "zh": lines("""
    新年第一帖，愿今年平平安安，少亏一点，多学一点，身体健康，万事顺意。
    跨年夜加班到零点，许个愿：今年工资涨一点，头发少掉一点，烦恼少一点。
    给今年的自己定个小目标：早睡早起，好好吃饭，按时定投，别乱操作。
    新的一年只希望家人健康，自己少熬夜多运动，其他的都随缘吧。
    今年想学会写智能合约，先从网上一个最简单的存钱罐例子开始。
    """),
    "en": [
        "Happy New Year everyone! My only goal this year is to sleep more, trade less, "
        "read a few good books and call my parents every single Sunday.",
        "New year, new hardware wallet, and the same old habit of checking the price every "
        "ten minutes, which I really hope to break by spring.",
        "Short and sweet for 2026: stay healthy, stay humble, keep stacking every week and "
        "finally stop refreshing the charts at two in the morning, please.",
    ],
}

LOW = {
    "zh": ["哈" * 36, "冲" * 32 + "！！！", "新年快乐" * 9, "加油" * 16],
    "en": [" ".join(["gm"] * 31), " ".join(["to the moon"] * 11)],
}

# The campaign team joins in; staff entries never count (the campaign excludes staff).
STAFF_ENTRY = (
    "广场运营小组也来写一条新年第一帖：谢谢大家过去一年的陪伴和反馈，新的一年我们会继续"
    "把广场打磨得更顺手，有任何建议都欢迎在评论区告诉我们。"
)

# Before the campaign: some members had already posted (so they are not newcomers).
EARLIER = {
    "zh": lines("""
    十二月的最后一个周末，把今年的交易记录导出来对了一遍账。 #年终复盘
    比特币又回到了熟悉的区间，继续定投，不多想。 #BTC #定投
    公司年会抽到了一个保温杯，大概是今年最稳的一笔收益了。
    准备写年终总结了，先列个提纲：学了什么，亏了什么，留下了什么。
    今天第一次用硬件钱包转账，手心全是汗。 #钱包安全
    圣诞节前的行情总是很安静，正好用来读书。 #读书
    去了一次线下聚会，认识了好几个做开发的朋友。 #Web3
    把交易软件挪到了手机最后一页，眼不见心不烦。
    今年最大的教训：看不懂的项目，再火也别碰。 #复盘
    冬至吃了饺子，顺手把助记词的备份又检查了一遍。
    第一次在二层网络上转账，手续费便宜得让我以为失败了。 #L2
    整理了一下今年关注的账号，取关了一半只会喊单的。
    """),
    "en": lines("""
    Exported my trades for the year into a spreadsheet tonight. Painful but useful. #Journal
    Quiet December market, a good time to read and rest. #BTC
    First time signing with a hardware wallet on a new laptop, all good. #WalletSecurity
    Drafting my year in review, starting with the mistakes. #Review
    Went to a local meetup and finally met some of you in person. #Web3
    Moved the exchange app off my home screen. Best decision this month.
    """),
}
