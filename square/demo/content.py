"""The demo square's words: users and the sentence pools posts are composed from.

Pools use one line per item; in a topic block a line starting with `#` lists its tags,
`>` opening lines and `<` closing lines (`|` separates short ones); other lines are the
core sentences. All of it is our own writing.
"""

from dataclasses import dataclass


def _pools(block: str) -> dict[str, list[str]]:
    """Parse a topic block (format in the module docstring) into its four pools."""
    pools: dict[str, list[str]] = {"tags": [], "lead": [], "core": [], "end": []}
    for line in filter(None, map(str.strip, block.splitlines())):
        kind = {"#": "tags", ">": "lead", "<": "end"}.get(line[0])
        if kind is None:
            pools["core"].append(line)
        else:
            sep = None if kind == "tags" else "|"
            pools[kind] += [p.strip() for p in line[1:].split(sep) if p.strip()]
    return pools


@dataclass(frozen=True)
class DemoUser:
    """Who a demo member is and what they write about (topics are keys of ZH/EN)."""

    username: str
    name: str
    lang: str
    topics: tuple[str, ...]
    bio: str


USER_LINES = """
lin_xiaoyu|林小雨|zh|ny goal web3|产品经理，入圈两年，记录自己的Web3学习笔记。
chen_hao|陈浩|zh|btc mkt disc|比特币长期持有者，只做现货，不碰杠杆。
satoshi_fan|中本聪的小迷弟|zh|btc ny|白皮书读了三遍，还在读第四遍。
wang_lei|王磊|zh|mkt disc|做了六年期货，现在主要看加密市场的节奏。
zhao_min|赵敏|zh|defi eth|链上数据爱好者，每天都要刷一遍各协议的TVL。
eth_builder|ETH Builder|en|eth l2 web3|Solidity dev. Small contracts, fewer bugs.
liu_yang|刘洋|zh|l2 eth|跑过好几个L2测试网，喜欢研究Rollup。
huang_jing|黄静|zh|ny goal|会计，定投BTC第三年。记录生活，也记录仓位。
defi_dan|Dan|en|defi mkt|Yield farmer turned risk manager. Not financial advice.
moon_rabbit|月兔|zh|ny web3|画画的，也玩NFT，偶尔发点行情感想。
zhou_mingyuan|周明远|zh|btc disc|白天上班，晚上复盘。止损是我唯一的信仰。
alice_onchain|Alice|en|web3 l2|Exploring on-chain identity, wallets and everything in between.
xu_wenwen|许雯雯|zh|web3 goal|转行做Web3运营的第一年，边学边写。
he_jun|何俊|zh|mkt btc|技术分析派，只看周线级别的趋势。
block_monk|区块和尚|zh|disc btc|少看盘，多睡觉。
ma_xiaotian|马小天|zh|ny defi|大三学生，学校加密社团负责人。
crypto_kate|Kate|en|mkt btc eth|Macro meets crypto. Charts on weekends.
guo_peng|郭鹏|zh|eth l2|以太坊生态观察者，关注Layer2和账户抽象。
tang_yue|唐悦|zh|ny goal disc|理财博主，相信慢就是快。
layer2_leo|Leo|en|l2 eth|Bridging, rolling up, paying less gas.
yang_fan|杨帆|zh|defi web3|做过两年合约审计，喜欢读别人的代码。
zheng_xin|郑欣|zh|ny mkt|刚开始学看K线，欢迎指正。
hodl_hannah|Hannah|en|btc ny goal|Stacking sats since 2019. Coffee, books, cold storage.
luo_chen|罗晨|zh|web3 eth|独立开发者，正在做一个链上记账小工具。
song_qian|宋倩|zh|goal disc|每周写一篇交易日记。
node_runner|跑节点的老K|zh|btc eth|家里有一台从不关机的全节点。
feng_yu|冯宇|zh|mkt defi|量化方向，盯资金费率和持仓数据。
min_jun|Minjun|en|web3 ny|Seoul to Shanghai. Learning Chinese and Solidity at the same time.
deng_lili|邓丽丽|zh|ny web3|社区志愿者，组织过几次线下Meetup。
xie_tian|谢天|zh|l2 defi|前空投猎人，已经戒掉一半了。
gas_fee_gary|Gary|en|eth defi disc|Gas optimizer. Risk first, returns second.
qin_shu|秦舒|zh|goal web3|读书、跑步、写代码，今年继续。
cao_rui|曹睿|zh|mkt btc disc|趋势跟随者，仓位管理比方向更重要。
web3_wendy|Wendy|en|web3 goal|Community builder. DAO tooling and good vibes.
jiang_hai|江海|zh|btc mkt|十年老股民，三年币圈新人。
pan_xiaoxiao|潘笑笑|zh|ny goal|打工人一枚，今年的目标是把定投坚持下去。
lu_zhiyuan|陆致远|zh|eth defi|研究以太坊质押和再质押。
kim_trader|Kim|en|disc mkt|Swing trader. Journals every trade, even the bad ones.
bai_lu|白露|zh|ny web3 goal|设计师，喜欢把链上数据画成图。
wu_di|吴迪|zh|mkt defi btc|不喊单，只复盘。
"""
USERS = [
    DemoUser(u, n, lang, tuple(t.split()), bio)
    for u, n, lang, t, bio in (line.split("|") for line in USER_LINES.strip().splitlines())
]

ZH = {
    "ny": _pools("""
        # 新年快乐 GateSquare 加密货币 新年愿望
        > 新年快乐！|给广场的朋友们拜个年。|烟花放完了，该收收心了。|又是新的一年，先许个愿。
        > 跨年夜是守着K线过的，也算一种仪式感吧。|刚陪家里人吃完饭，上来冒个泡。
        祝大家新的一年仓位健康，心态更健康。
        去年踩过的坑，今年争取一个都不再踩。
        愿所有拿得住的人，都能等到花开。
        不求暴富，只求每一笔操作都对得起自己的判断。
        感谢这一年在广场认识的朋友，很多东西都是从你们的帖子里学到的。
        希望今年少一点FOMO，多一点耐心。
        愿你的助记词永远在安全的地方，钱包永远不被盗。
        过去一年有涨有跌，最大的收获是终于学会了空仓等待。
        今年想多陪陪家人，少熬夜盯盘。
        祝大家每一次止盈都刚刚好，每一次止损都来得及。
        回头看，去年最正确的决定是没有在最高点追进去。
        < 新年快乐，一起加油！|评论区留下你的新年愿望吧。|祝我们都能穿越周期。|新的一年，广场见。
    """),
    "goal": _pools("""
        # 2026目标 新年快乐 定投 GateSquare
        > 写下今年的几个小目标，年底回来对答案。|公开立个flag，欢迎监督。|今年的计划表终于做完了。
        > 复盘完去年，开始想今年要做什么。|今年给自己定了几条规矩。
        每月固定一天定投，不看价格，不择时。
        把比特币白皮书再精读一遍，认真做一份笔记。
        学会用硬件钱包，把大部分资产从交易所提出来。
        每笔交易都写日志：为什么进，为什么出，错在哪里。
        部署一个自己的智能合约，哪怕只是一个简单的投票合约。
        单笔亏损不超过总资金的{risk}%，这条已经贴在显示器边上了。
        少刷短视频，每周认真读完一份项目研报。
        定投已经坚持了{n}周，今年的目标是一周都不断。
        把应急资金和投资资金彻底分开，不再拿生活费冲动加仓。
        系统学一遍Solidity，至少能看懂常用协议的合约。
        每个季度做一次再平衡，不让单一币种超过一半仓位。
        把交易次数减半，只做自己真正看得懂的机会。
        < 年底复盘见。|有同样目标的朋友可以一起打卡。|完成一半就算胜利。|你们今年的目标是什么？
    """),
    "web3": _pools("""
        # Web3 区块链 钱包安全 GateSquare
        > 最近在认真研究Web3，分享一点体会。|周末把钱包、跨链桥和DApp都摸了一遍。
        > 聊点不那么行情的话题。|{when}参加了一场黑客松，记录一下。
        > 第一次用钱包签名登录一个应用，感觉挺奇妙的。
        对普通人来说，私钥自己保管是第一课，也是最难的一课。
        去中心化身份很有意思，一个地址就能带走你在各个应用里的记录。
        钱包体验这两年进步很大，但对新手来说门槛还是不低。
        很多项目的白皮书写得很宏大，真正能用的产品却不多。
        链上数据全部公开，这一点比传统金融透明太多了。
        签名之前一定要看清授权内容，无限授权真的很危险。
        测试网上交互几乎没有成本，建议新手先在测试网练手。
        社区治理投票参与了几次，发现大部分提案的投票率其实很低。
        Web3最缺的不是技术，而是普通人愿意天天打开的应用。
        试了几个去中心化社交应用，内容不多，但氛围挺好。
        多签钱包是个好东西，团队的资金真的应该用起来。
        硬件钱包到手的第一件事，是把助记词抄在纸上离线保存。
        < 慢慢学，不着急。|欢迎有经验的朋友补充。|路还长，但方向是对的。|先记录到这里，后面再更新。
    """),
    "btc": _pools("""
        # BTC 比特币 加密货币 行情分析
        > 聊聊$BTC。|大饼{when}的走势挺有意思。|又有人问我现在还能不能买比特币。
        > 翻了一下自己的持仓记录。|周线收盘了，说几句。|{when}刷到一条比特币的新闻，说说看法。
        比特币总量2100万枚，这条规则从创世区块到现在都没变过。
        减半之后矿工收入在变，算力却还在创新高。
        现货ETF让更多传统资金进来了，波动的节奏也跟着变了。
        我的做法一直很简单：定投加冷钱包，不加杠杆。
        每次大跌都有人喊比特币归零，结果它一直都在。
        长期持有者的筹码越来越集中，短线换手的人在变少。
        {when}大饼回调了{pct}%左右，定投计划照常执行。
        关键位置在前高附近，站稳了再说，站不稳就耐心等。
        比起价格，我更关心链上活跃地址和手续费的变化。
        试了一下闪电网络的小额支付，几乎是秒到账。
        给自己定的规矩是：$BTC只买不卖，至少再拿四年。
        全节点同步完的那一刻，才真正体会到“不要信任，去验证”。
        < 仅个人观点，不构成投资建议。|拿住的人都不容易。|你们怎么看？|继续定投，时间会给答案。
    """),
    "eth": _pools("""
        # ETH 以太坊 区块链 Layer2
        > 说说ETH最近的情况。|以太坊生态的朋友们，今天聊点基本面。|看了一晚上以太坊路线图。
        > 姨太又让人着急了。|{when}ETH跟着大盘回调了{pct}%，说说我的看法。
        质押率还在慢慢往上走，实际流通的ETH在收紧。
        大部分交易都跑到Layer2上了，主网手续费比前两年低了很多。
        以太坊的叙事正在从“世界计算机”变成“结算层”。
        账户抽象落地以后，新用户不一定要先搞懂Gas是什么。
        $ETH/BTC汇率一直是我判断以太坊强弱的参考。
        开发者数量依然是所有公链里最多的，这是最难复制的护城河。
        升级一次次按计划完成，这种执行力本身就值得尊重。
        Blob上线之后，L2把数据写回主网的成本降了一大截。
        再质押很火，但一层套一层的收益，风险也是一层层叠上去的。
        客户端的多样性比以前好了，这对网络安全很重要。
        Gas便宜的时候，正好把零碎的授权和小额资产整理一遍。
        < 长期看好，短期随缘。|有不同看法欢迎讨论。|先到这，明天接着看。|慢牛也是牛。
    """),
    "defi": _pools("""
        # DeFi 链上数据 加密货币 ETH
        > 分享一个最近养成的DeFi小习惯。|{when}复盘了一下自己的链上仓位。
        > 聊聊DeFi里那些容易被忽视的风险。|又看到一个年化几百%的池子。|玩DeFi {n}个月，说点心里话。
        高收益背后往往是高风险，先搞清楚收益从哪里来。
        做流动性之前一定要算清楚无常损失，别赚了手续费亏了本金。
        借贷协议的清算线要留足空间，大波动时几分钟就能被清算。
        稳定币也不是绝对稳定，脱锚的事情已经发生过不止一次。
        我现在只用审计过、运行超过两年的协议。
        定期检查并撤销不用的授权，这个习惯救过我一次。
        DEX的交易量越来越大，链上流动性早就不是当年的样子了。
        TVL只是参考，更要看协议的真实收入和用户留存。
        把{alt}存进借贷协议吃利息之前，先想清楚它一天能跌多少。
        跨链桥是DeFi里出事最多的环节之一，能少用就少用。
        预言机一旦被操纵，再好的协议也会出问题。
        收益里一大半是平台币奖励的时候，就要小心了。
        < 安全第一，收益第二。|DYOR，别只盯着APY。|欢迎交流你们常用的协议。
        < 能睡好觉的收益才是好收益。
    """),
    "l2": _pools("""
        # Layer2 ETH Web3 区块链
        > 最近把几个主流Layer2都用了一遍。|Layer2赛道越来越卷了。|跨链桥又更新了，顺手测了一下。
        > {when}在L2上领了个小空投，顺便聊聊体验。
        Optimistic Rollup和ZK Rollup各有取舍，提现时间和证明成本是关键区别。
        在L2上转一笔账只要几分钱，体验已经接近中心化应用。
        排序器的去中心化还没完全解决，这是我最关注的一点。
        数据可用性成本降下来之后，L2的手续费又下了一个台阶。
        生态太分散了，资产在不同链之间搬来搬去还是挺麻烦。
        好的L2不只是便宜，还要有真正留得住人的应用。
        刷交互等空投的人太多，真实用户反而不好统计。
        有的L2提现回主网要等七天，急用钱的时候很难受。
        ZK证明越来越快，成本也在下降，进步肉眼可见。
        现在很多钱包能自动切换网络，新手不容易再转错链了。
        < 你们现在主要用哪条L2？|期待互操作性早点做好。|继续观察。|便宜是真的香。
    """),
    "disc": _pools("""
        # 交易纪律 行情分析 加密货币
        > 写给刚入场的朋友。|{when}又被市场教育了一次。|交易日记第{n}篇。
        > 做交易这几年，最想告诉自己的几句话。|复盘了上个月的所有交易，结论很扎心。
        止损不是认输，是给下一次机会留本金。
        计划你的交易，交易你的计划，盘中不临时改主意。
        连续亏损的时候最该做的是停下来，而不是加仓回本。
        杠杆放大的不只是收益，还有你的情绪。
        仓位小到能让你睡得着觉，才是合适的仓位。
        大部分亏损都来自追涨杀跌，而不是看错了方向。
        赚钱时不要飘，亏钱时不要慌，说起来容易做起来难。
        不要把所有资金放在一个交易所，也不要全押在一个币上。
        单笔风险控制在{risk}%以内，连错五次也伤不了根本。
        开仓之前先想好在哪里认错，而不是先想能赚多少。
        规定自己半夜十二点以后不下单，冲动单少了一大半。
        每周留一天完全不看盘，效果出奇地好。
        < 共勉。|纪律比预测更重要。|活下来，才有以后。|写下来提醒自己。
    """),
    "mkt": _pools("""
        # 行情分析 BTC 加密货币 ETH
        > 简单说下{when}的盘面。|早上好，先看一眼行情。|周末行情小结。|夜盘波动有点大，记录一下。
        > {when}成交量明显放大了。
        大饼在区间内反复震荡，突破之前不建议重仓追。
        山寨币普遍跟跌不跟涨，资金还是集中在主流币上。
        资金费率转负，空头情绪比较重，小心轧空。
        稳定币总市值还在增长，场外的钱并没有走。
        美联储的利率预期依然是风险资产最大的变量。
        日线级别的支撑还没破，短期看不出明确方向。
        恐慌贪婪指数回到中性区间，市场情绪降温了不少。
        交易所的$BTC余额持续下降，筹码在往冷钱包走。
        ${alt}{when}拉了{pct}%，但量能跟不上，先观望。
        期权隐含波动率降到了低位，往往意味着大行情在酝酿。
        合约持仓量创新高，价格却没怎么动，短线小心洗盘。
        美股和加密的相关性最近又高了，晚上要多看一眼纳指。
        < 以上仅为个人复盘。|耐心等待信号。|不构成任何投资建议。|大家注意仓位。
    """),
}

EN = {
    "ny": _pools("""
        # NewYear 新年快乐 Crypto GateSquare
        > Happy New Year, Square!|New year, same cold wallet.
        > Fireworks are over, back to the charts.
        Wishing everyone calm hands and healthy portfolios this year.
        Last year taught me more about patience than any book did.
        Grateful for this community, half of what I know came from your posts.
        May your seed phrases stay offline and your stop losses stay honored.
        Fewer charts and more family dinners this year.
        < Cheers to the next cycle!|See you all on the timeline.
    """),
    "goal": _pools("""
        # 2026目标 NewYear Crypto
        > Putting my goals in public so I actually stick to them.|Short list for this year:
        DCA every two weeks, no matter what the chart says.
        Read one protocol's docs end to end every month.
        Move everything I don't trade into self-custody.
        Journal every single trade, including the embarrassing ones.
        Learn enough Solidity to read the contracts I actually use.
        < Hold me to it.|What's on your list?
    """),
    "web3": _pools("""
        # Web3 Crypto 区块链
        > Spent the weekend poking around wallets and dApps.|Notes from a week of building.
        Owning your keys is the first lesson and also the hardest one.
        The best dApps now feel almost like normal apps, which is the whole point.
        On-chain identity is still messy, but it's finally getting useful.
        Testnets are free. Use them before you touch real money.
        Multisig for anything shared. No exceptions.
        < Still early, still learning.|Happy to compare notes.
    """),
    "btc": _pools("""
        # BTC Bitcoin Crypto
        > Quick $BTC note.|Bitcoin check-in.|Thoughts after the weekly close:
        21 million cap, same as day one. That rule still does the heavy lifting.
        Exchange balances keep drifting lower as coins move to cold storage.
        Hashrate at new highs after the halving says miners are still betting long.
        $BTC pulled back about {pct}% {when}; my weekly buy goes in anyway.
        Synced my own node last month, and "don't trust, verify" finally clicked.
        < Not financial advice.|Stay humble, stack sats.
    """),
    "eth": _pools("""
        # ETH Ethereum Layer2
        > ETH thoughts.|Reading the Ethereum roadmap again tonight.
        Most activity lives on rollups now, and mainnet fees show it.
        Staking keeps growing, so the liquid supply is quietly shrinking.
        Account abstraction might be what finally makes wallets friendly.
        $ETH/BTC is still the ratio I watch to judge sentiment.
        Restaking stacks yield, but it stacks risk on top too.
        < Long term bullish, short term confused.|Curious how you read it.
    """),
    "defi": _pools("""
        # DeFi ETH Crypto
        > DeFi reminder:|Rebalanced my on-chain positions {when}.
        If you can't explain where the yield comes from, you are the yield.
        Impermanent loss is real; do the math before you provide liquidity.
        Keep a wide buffer on lending positions, liquidations don't wait.
        Revoke old approvals. It takes five minutes and can save everything.
        Bridges are still the weakest link; use them as little as you can.
        < Risk first, returns second.|DYOR.
    """),
    "l2": _pools("""
        # Layer2 ETH Web3
        > Tried a few Layer 2s this week.|L2 notes:
        Sending funds for a few cents feels like what crypto always promised.
        Sequencer decentralization is the part I'm still watching closely.
        Bridging between rollups is better, but still too many clicks.
        Cheaper data availability pushed fees down another step.
        Some rollups still take seven days to withdraw. Plan for it.
        < Which L2 do you actually use day to day?|Interop can't come soon enough.
    """),
    "disc": _pools("""
        # TradingDiscipline Crypto 交易纪律
        > Trading journal, entry {n}:|Note to self:|Things I wish I knew in my first year:
        A stop loss is the price of staying in the game.
        Size so small that you can sleep through a 10% wick.
        Most of my losses came from chasing, not from being wrong.
        When you're on a losing streak, the best trade is no trade.
        No orders after midnight. That one rule cut my impulse trades in half.
        < Discipline beats prediction.|Survive first.
    """),
    "mkt": _pools("""
        # 行情分析 BTC Crypto
        > Market check.|Weekend recap:|Volatile night, some notes:
        $BTC is chopping inside the range; I'm waiting for a clean break.
        Funding flipped negative, shorts look crowded.
        Stablecoin supply keeps growing, so the money hasn't left.
        ${alt} ran {pct}% {when} on thin volume. Not chasing it.
        Open interest keeps climbing while price goes nowhere; expect a shakeout.
        < Patience.|Manage your risk.
    """),
}

# Long articles: `>` intros, `<` outros, other lines titles.
LONG = {
    "zh": _pools("""
        【年终复盘】这一年我在币圈学到的几件事
        【长文】写给新手的加密市场生存指南
        新年第一篇长文：我的2026投资框架
        一个普通上班族的Web3探索笔记
        从BTC到Layer2：一份不太专业的年度观察
        周末长文：把最近的思考整理一下
        > 篇幅有点长，分几部分说，想到哪写到哪。|这篇拖了很久，趁着假期终于写完了。
        > 不构成任何投资建议，只是我自己的一些记录。|写给自己，也写给刚进场的朋友。
        < 能看到这里的朋友，谢谢你的耐心。祝大家新年快乐，我们年底再复盘。
        < 以上就是这段时间的全部想法，欢迎在评论区拍砖。
        < 写完这篇心里踏实多了，新的一年继续慢慢变富。
    """),
    "en": _pools("""
        Year-end notes: what I'm keeping and what I'm dropping
        A long one: my crypto playbook for 2026
        What a year of exploring Web3 taught me
        > Long post, grab a coffee.|Writing this down mostly for future me.
        < Thanks for reading this far. Happy New Year, see you at the next review.
        < That's it. Tell me where I'm wrong.
    """),
}
LABELS = {
    "ny": ("新年寄语", "New year"),
    "goal": ("今年的计划", "Goals"),
    "web3": ("Web3探索", "Web3"),
    "btc": ("关于比特币", "Bitcoin"),
    "eth": ("关于以太坊", "Ethereum"),
    "defi": ("DeFi的风险", "DeFi"),
    "l2": ("Layer2的体验", "Layer 2"),
    "disc": ("交易纪律", "Discipline"),
    "mkt": ("行情怎么看", "The market"),
}
MENTIONS = {
    "zh": ["@{u} 你怎么看？", "和 @{u} 聊了一晚上，收获不少。", "感谢 @{u} 上次的分享。",
           "@{u} @{v} 一起来打卡！", "这个问题 @{u} 之前也写过，推荐去翻翻。"],
    "en": ["What do you think, @{u}?", "h/t @{u} for the nudge.", "@{u} @{v} you two should talk.",
           "Thanks @{u} for the thread that got me started."],
}  # fmt: skip
URLS = {
    "btc": ("白皮书原文：https://bitcoin.org/bitcoin.pdf", "Still worth a read: https://bitcoin.org/bitcoin.pdf"),
    "eth": ("路线图在这里：https://ethereum.org/zh/roadmap/", "Roadmap: https://ethereum.org/en/roadmap/"),
    "defi": ("数据来自 https://defillama.com", "Numbers from https://defillama.com"),
    "l2": ("各家L2的风险评估可以看 https://l2beat.com", "Risk breakdowns: https://l2beat.com"),
    "web3": ("钱包安全指南：https://ethereum.org/zh/security/", "Read this: https://ethereum.org/en/security/"),
}  # fmt: skip
GENERAL_TAGS = ["GateSquare", "加密货币", "区块链", "Web3"]
EMOJI = {"ny": "🎆🧧🎉🥂", "goal": "💪📝🔥", "mkt": "📈📉", "btc": "📈🚀", "disc": "🙏☕"}
WHEN = {"zh": ["今天", "昨晚", "这周", "今早", "周末"], "en": ["today", "overnight", "this week"]}
ALTS = ["SOL", "ARB", "OP", "LINK", "UNI", "AVAX", "DOT"]
NUMERALS = "一二三四五六七"
POOLS = {"zh": ZH, "en": EN}
TOPICS = list(ZH)
