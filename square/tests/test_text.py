"""The hashtag, mention and link rules of `square.text`, as tables of cases."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from square import text
from square.text import Kind

A64 = "a" * 64
A65 = "a" * 65
HAN64 = "汉" * 64
HAN65 = "汉" * 65

# (id, body, expected keys). Grouped by the clause of the rule each case pins down.
HASHTAG_CASES = [
    # (1) NFKC first: full-width `＃` and full-width letters/digits are the ASCII ones.
    ("nfkc-fullwidth-hash", "＃我的2026第一帖 你好", ["我的2026第一帖"]),
    ("nfkc-fullwidth-letters", "＃Ｗｅｂ３ 上线", ["web3"]),
    ("nfkc-fullwidth-digits-all-digits", "＃１２３", []),
    ("nfkc-composes-combining-accent", "#cafe\u0301 #café", ["café"]),
    ("nfkc-compatibility-char", "#㍿ 株式会社", ["株式会社"]),
    # (1) URLs hold no tags, up to the next whitespace; a tag after the URL counts.
    ("url-https-fragment", "see https://example.com/a-#frag", []),
    ("url-http-fragment", "see http://example.com/page,#frag", []),
    ("url-www-fragment", "see www.example.com/a-#frag", []),
    ("url-uppercase-scheme", "HTTPS://EXAMPLE.COM/x-#frag", []),
    ("url-fullwidth-scheme", "ｈｔｔｐｓ://example.com/x-#frag", []),
    ("url-query-hash", "https://example.com/?q=(#frag)", []),
    ("url-then-tag", "https://example.com/a-#frag #real", ["real"]),
    ("url-runs-to-whitespace", "看 https://example.com/x。#标签 #后面", ["后面"]),
    ("url-ends-at-whitespace", "www.example.com\n#next", ["next"]),
    ("not-a-url-without-scheme", "example.com-#tag", ["tag"]),
    # (2) `#` not directly after an ASCII letter or digit, `_`, `&` or `/`.
    ("after-ascii-letter", "abc#tag", []),
    ("after-ascii-digit", "2026#tag", []),
    ("after-underscore", "snake_#tag", []),
    ("after-ampersand", "&#39; &#tag", []),
    ("after-slash", "path/#tag", []),
    ("at-start", "#tag", ["tag"]),
    ("after-space", "hello #tag", ["tag"]),
    ("after-han-letter", "你好#世界", ["世界"]),
    ("after-non-ascii-letter", "é#tag", ["tag"]),
    ("after-punctuation", "(#tag) [#two] -#three", ["tag", "two", "three"]),
    ("after-fullwidth-comma", "好，#标签", ["标签"]),
    ("after-newline", "line\n#tag", ["tag"]),
    ("double-hash", "##tag", ["tag"]),
    # (2) 1 to 64 word characters of any script.
    ("single-char", "#a", ["a"]),
    ("hash-alone", "# tag", []),
    ("hash-at-end", "text #", []),
    ("chinese-with-digits-one-tag", "#我的2026第一帖", ["我的2026第一帖"]),
    ("digits-then-letters", "#2026年", ["2026年"]),
    ("letters-then-digits", "#web3", ["web3"]),
    ("underscore-inside", "#foo_bar", ["foo_bar"]),
    ("japanese", "#こんにちは", ["こんにちは"]),
    ("cyrillic", "#Привет", ["привет"]),
    ("arabic", "#مرحبا", ["مرحبا"]),
    ("korean", "#안녕", ["안녕"]),
    # (2) ... that are not all digits.
    ("all-digits", "#2026", []),
    ("letter-numbers-count", "#二〇二六", ["二〇二六"]),
    ("all-digits-one", "#1", []),
    ("digits-then-tag", "#123 #abc", ["abc"]),
    # (2) The tag ends at the first other character.
    ("ends-at-comma", "#web3, nice", ["web3"]),
    ("ends-at-hyphen", "#tag-name", ["tag"]),
    ("ends-at-dot", "#tag.com", ["tag"]),
    ("ends-at-ideographic-full-stop", "#新年快乐。大家好", ["新年快乐"]),
    ("ends-at-emoji", "#tag🎉", ["tag"]),
    ("ends-at-at-sign", "#tag@bob", ["tag"]),
    ("glued-text-is-part-of-tag", "#新年快乐大家好", ["新年快乐大家好"]),
    # (2) A `#` right after the tag belongs to it (Weibo style).
    ("weibo-closing-hash", "#话题#正文", ["话题"]),
    ("weibo-closing-hash-then-space", "#话题# 正文 #第二#", ["话题", "第二"]),
    ("weibo-closing-hash-swallows-next", "#a#b", ["a"]),
    # (2) 64 characters is the longest tag; a longer run is no tag at all.
    ("len-64-ascii", f"#{A64}", [A64]),
    ("len-65-ascii-no-tag", f"#{A65}", []),
    ("len-64-han", f"#{HAN64}", [HAN64]),
    ("len-65-han-no-tag", f"#{HAN65}", []),
    ("len-65-not-truncated", f"#{A65} #ok", ["ok"]),
    ("len-64-with-closing-hash", f"#{A64}#", [A64]),
    # (2) Letters of every script with the marks they are written with (issue 20), and
    # the joiners, dots and Japanese marks that stand inside words (UAX #31).
    ("thai-vowel-marks", "#การเมือง วันนี้", ["การเมือง"]),
    ("hindi-virama-and-matras", "#महात्मा गांधी", ["महात्मा"]),
    ("sinhala-zwj", "#ශ්\u200dරීලංකා", ["ශ්\u200dරීලංකා"]),
    ("persian-zwnj", "#می\u200cخواهم", ["می\u200cخواهم"]),
    ("hebrew-points", "#עַל־יְדֵי", ["עַל"]),  # the maqaf is a hyphen: the tag ends there
    ("hebrew-gershayim", "#צה״ל", ["צה״ל"]),
    ("tamil", "#தமிழ்நாடு", ["தமிழ்நாடு"]),
    ("bengali", "#বাংলাদেশ", ["বাংলাদেশ"]),
    ("gujarati", "#ગુજરાત", ["ગુજરાત"]),
    ("kannada", "#ಕನ್ನಡ", ["ಕನ್ನಡ"]),
    ("malayalam", "#മലയാളം", ["മലയാളം"]),
    ("khmer", "#កម្ពុជា", ["កម្ពុជា"]),
    ("burmese", "#မြန်မာ", ["မြန်မာ"]),
    ("lao", "#ສະບາຍດີ", ["ສະບາຍດີ"]),
    ("tibetan-tsheg", "#བོད་ཡིག", ["བོད་ཡིག"]),
    ("arabic-harakat", "#بِسْمِ", ["بِسْمِ"]),
    ("vietnamese", "#Việt_Nam", ["việt_nam"]),
    ("turkish", "#İstanbul", ["i̇stanbul"]),
    ("japanese-wave-dash", "#メ〜テレ", ["メ〜テレ"]),
    ("japanese-fullwidth-tilde", "#メ～テレ", ["メ~テレ"]),
    ("japanese-prolonged-sound", "#ラーメン", ["ラーメン"]),
    ("japanese-repetition-mark", "#同〃", ["同〃"]),
    ("iteration-mark", "#時々", ["時々"]),
    ("tilde-between-latin-parts", "#abc~def", ["abc"]),
    ("catalan-middle-dot", "#il·lusió", ["il·lusió"]),
    ("middle-dot-at-end", "#il· ok", ["il"]),
    ("joiner-at-end", "#abc\u200d", ["abc"]),
    ("mark-cannot-start", "#\u0301abc", []),
    ("needs-a-letter-underscore", "#_", []),
    ("needs-a-letter-digits-underscore", "#1_2", []),
    ("letter-after-underscore", "#_a", ["_a"]),
    ("scheme-after-hash", "#http://example.com", []),
    ("scheme-after-hash-https", "see #https://example.com/x ok", []),
    ("word-http-is-a-tag", "#http 协议", ["http"]),
    # (3) The key is NFKC, case-folded; first appearance order; no repeats.
    ("casefold-merges", "#Web3 #web3 #WEB3", ["web3"]),
    ("casefold-sharp-s", "#Straße", ["strasse"]),
    ("casefold-greek", "#ΣΟΦΙΑ", ["σοφια"]),
    ("order-first-appearance", "#b #a #b #c #A", ["b", "a", "c"]),
    ("fullwidth-and-ascii-one-key", "＃ＢＴＣ #btc #Btc", ["btc"]),
    ("no-tags", "just words", []),
    ("empty", "", []),
]


@pytest.mark.parametrize(
    ("body", "expected"), [c[1:] for c in HASHTAG_CASES], ids=[c[0] for c in HASHTAG_CASES]
)
def test_hashtags(body, expected):
    assert text.hashtags(body) == expected


def test_hashtag_displays_keep_the_first_spelling():
    assert text.hashtag_displays("#Web3 #web3 #ＢＴＣ #btc") == {"web3": "Web3", "btc": "BTC"}


# --- the shared eligibility cases ---------------------------------------------------------


def _eligibility_path() -> Path:
    """`../shared/cases/eligibility.json` from the project root (BASE_DIR)."""
    return Path(settings.BASE_DIR).resolve().parent / "shared" / "cases" / "eligibility.json"


def _eligibility_cases() -> list[dict]:
    path = _eligibility_path()
    if not path.is_file():
        return []
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


ELIGIBILITY_CASES = _eligibility_cases()


def test_eligibility_cases_file_is_there():
    assert _eligibility_path().is_file(), f"missing {_eligibility_path()}"
    assert ELIGIBILITY_CASES, "the shared eligibility file has no cases"


@pytest.mark.parametrize("case", ELIGIBILITY_CASES, ids=[c["name"] for c in ELIGIBILITY_CASES])
def test_eligibility_case_hashtags(case):
    assert text.hashtags(case["body"]) == case["hashtags"]


# --- mentions -----------------------------------------------------------------------------

MENTION_CASES = [
    ("simple", "hi @alice and @bob", ["alice", "bob"]),
    ("case-kept", "@Alice", ["Alice"]),
    ("no-repeats", "@alice @alice", ["alice"]),
    ("trailing-dot-trimmed", "thanks @alice.", ["alice"]),
    ("dots-inside-kept", "@a.b.c hi", ["a.b.c"]),
    ("email-is-not-a-mention", "mail me@example.com", []),
    ("inside-word", "abc@alice", []),
    ("inside-url", "https://example.com/@alice", []),
    ("fullwidth-at", "＠alice 你好", ["alice"]),
    # Usernames are ASCII, so a mention ends where Chinese text resumes.
    ("no-chinese-username", "@小明 你好", []),
    ("glued-chinese-before", "感谢@alice的分享", ["alice"]),
    ("glued-chinese-after", "@alice你好", ["alice"]),
    ("ends-at-punctuation", "(@alice)", ["alice"]),
    ("at-alone", "@ alone", []),
    ("mention-inside-tag-is-tag", "#tag@bob", []),
    ("limit-150-chars", "@" + "x" * 151, ["x" * 150]),
]


@pytest.mark.parametrize(
    ("body", "expected"), [c[1:] for c in MENTION_CASES], ids=[c[0] for c in MENTION_CASES]
)
def test_mentions(body, expected):
    assert text.mentions(body) == expected


# --- tokens -------------------------------------------------------------------------------


def kinds(tokens):
    return [(t.kind, t.text, t.value) for t in tokens]


@pytest.mark.parametrize(
    ("body", "url_text", "after"),
    [
        ("see https://example.com/a.", "https://example.com/a", "."),
        ("(https://example.com/a)", "https://example.com/a", ")"),
        ("'https://example.com/a'!", "https://example.com/a", "'!"),
        ("看 https://example.com/x。 好", "https://example.com/x", "。 好"),
        ("看 https://example.com/x，\n好", "https://example.com/x", "，\n"),
        ("「https://example.com/x」", "https://example.com/x", "」"),
        ("see https://example.com/a?b=1...", "https://example.com/a?b=1", "..."),
    ],
    ids=["dot", "paren", "quote-bang", "ideographic-stop", "fullwidth-comma", "corner", "dots"],
)
def test_url_trailing_punctuation_is_outside_the_link(body, url_text, after):
    tokens = text.tokens(body)
    urls = [t for t in tokens if t.kind is Kind.URL]
    assert [(u.text, u.value) for u in urls] == [(url_text, url_text)]
    following = tokens[tokens.index(urls[0]) + 1]
    assert following.kind is Kind.TEXT
    assert following.text.startswith(after)


def test_tokens_split_text_url_tag_and_mention():
    body = "Hi @bob, see www.example.com #Web3!"
    assert kinds(text.tokens(body)) == [
        (Kind.TEXT, "Hi ", ""),
        (Kind.MENTION, "@bob", "bob"),
        (Kind.TEXT, ", see ", ""),
        (Kind.URL, "www.example.com", "www.example.com"),
        (Kind.TEXT, " ", ""),
        (Kind.TAG, "#Web3", "web3"),
        (Kind.TEXT, "!", ""),
    ]


def test_tokens_keep_fullwidth_characters_as_written():
    body = "＃Ｗｅｂ３！＠ｂｏｂ　好"
    assert kinds(text.tokens(body)) == [
        (Kind.TAG, "＃Ｗｅｂ３", "web3"),
        (Kind.TEXT, "！", ""),
        (Kind.MENTION, "＠ｂｏｂ", "bob"),
        (Kind.TEXT, "　好", ""),
    ]


def test_tokens_keep_weibo_closing_hash_in_the_tag():
    assert kinds(text.tokens("#话题#正文")) == [
        (Kind.TAG, "#话题#", "话题"),
        (Kind.TEXT, "正文", ""),
    ]


def test_tokens_keep_combining_marks_and_expansions_whole():
    tokens = text.tokens("#cafe\u0301 #㍿!")
    assert kinds(tokens) == [
        (Kind.TAG, "#cafe\u0301", "café"),
        (Kind.TEXT, " ", ""),
        (Kind.TAG, "#㍿", "株式会社"),
        (Kind.TEXT, "!", ""),
    ]


def test_javascript_text_is_never_a_link():
    tokens = text.tokens("click javascript:alert(1) now")
    assert [t.kind for t in tokens] == [Kind.TEXT]


@pytest.mark.parametrize(
    "body",
    [
        "",
        "plain",
        "＃新年快乐　＠ｂｏｂ　ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ。",
        "#a½ ﬁ #ﬁx ㍿ x\u0301 @Ｂob.",
        "see https://例子.测试/路径）。 and #话题# @小明！",
        "#" + "ß" * 40 + " #İstanbul",
        "\r\n\t #tag\u200b@x",
    ],
    ids=["empty", "plain", "fullwidth", "expansions", "cjk-url", "casefold-growth", "controls"],
)
def test_tokens_rebuild_the_original_text(body):
    assert "".join(t.text for t in text.tokens(body)) == body


def test_tags_and_links_agree():
    """The tags `tokens` links are exactly the ones `hashtags` counts."""
    body = "#A ＃b https://x.io/-#c www.y.io #D# #d #123 #" + "z" * 65
    linked = list(dict.fromkeys(t.value for t in text.tokens(body) if t.kind is Kind.TAG))
    assert linked == text.hashtags(body) == ["a", "b", "d"]


# (id, body, expected keys): the cashtag rule (issue 20), `square.text.cashtags`.
CASHTAG_CASES = [
    ("simple", "$BTC to the moon", ["BTC"]),
    ("lower-case-is-one-key", "$btc $Btc $BTC", ["BTC"]),
    ("fullwidth-dollar", "＄ＧＴ 上涨", ["GT"]),
    ("chinese-may-touch", "买入$SOL了", ["SOL"]),
    ("order-of-first-appearance", "$ETH $BTC $eth", ["ETH", "BTC"]),
    ("class-share", "$BRK.B and $BF_A", ["BRK.B", "BF_A"]),
    ("trailing-dot-is-text", "I hold $BTC.", ["BTC"]),
    ("trailing-underscore-is-text", "$BTC_ rest", ["BTC"]),
    ("price", "$100", []),
    ("price-with-unit", "$1k", []),
    ("currency-prefix", "US$5", []),
    ("second-dollar-after-letter", "$OK$NG", ["OK"]),
    ("double-dollar", "$$BTC", []),
    ("after-letter", "a$BTC", []),
    ("after-digit", "1$BTC", []),
    ("after-underscore", "x_$BTC", []),
    ("after-slash", "ETH/$BTC", []),
    ("inside-url", "https://example.com/$BTC ok", []),
    ("too-long", "$ABCDEFGHIJK", []),
    ("ten-letters", "$ABCDEFGHIJ", ["ABCDEFGHIJ"]),
    ("followed-by-digit", "$BTC2", []),
    ("in-brackets", "($BTC)", ["BTC"]),
    ("after-hash", "#$BTC", ["BTC"]),
    ("none", "no tokens here", []),
]


@pytest.mark.parametrize(
    ("body", "expected"), [c[1:] for c in CASHTAG_CASES], ids=[c[0] for c in CASHTAG_CASES]
)
def test_cashtags(body, expected):
    assert text.cashtags(body) == expected


def test_a_cashtag_is_a_token_of_its_own_and_tags_are_unchanged_by_it():
    tokens = text.tokens("买入$SOL了 #币圈")
    assert [(t.kind, t.text, t.value) for t in tokens] == [
        (Kind.TEXT, "买入", ""),
        (Kind.CASHTAG, "$SOL", "SOL"),
        (Kind.TEXT, "了 ", ""),
        (Kind.TAG, "#币圈", "币圈"),
    ]
