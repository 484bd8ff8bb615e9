"""The pure name rules of `square.names` (issue 15 §3): no database."""

import pytest

from square import names

ENGLAND = "\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in "gbeng") + "\U000e007f"
FAMILY = "👨\u200d👩\u200d👧"


# --- names reserved for staff --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("广场运营小组", "运营"),
        ("admin", "admin"),
        ("Square 官方 Official", "官方"),
        ("广场 运营 小组", "运营"),  # spaces inside
        ("廣場運營", "运营"),  # Traditional
        ("管理員小李", "管理员"),
        ("客服", "客服"),
        ("官·方", "官方"),
        ("a d m i n", "admin"),
        ("a.d-m_i/n", "admin"),
        ("a🙂d🙂m🙂i🙂n", "admin"),  # emoji between the letters
        ("ad\u200bmin", "admin"),  # a zero-width space between them
        ("ＡＤＭＩＮ", "admin"),  # full-width
        ("４dmin", "admin"),
        ("4dm1n", "admin"),  # digits for letters
        ("adm!n", "admin"),
        ("adrnin", "admin"),  # rn for m
        ("\u0430dmin", "admin"),  # Cyrillic а
        ("ΑDΜΙΝ", "admin"),  # Greek capitals
        ("𝐚𝐝𝐦𝐢𝐧", "admin"),  # mathematical bold
        ("ⓐⓓⓜⓘⓝ", "admin"),
        ("🅰dmin", "admin"),
        ("àdmín", "admin"),  # accents
        ("Administrator", "admin"),
        ("0fficial", "official"),
        ("OFFICIAL", "official"),
        ("$taff", "staff"),
        ("\u0455upport", "support"),  # Cyrillic ѕ
        ("Moderator Li", "moderator"),
        ("square_team", "square"),  # the product's name first
        ("广场小助手", "广场"),
        ("SQUARE", "square"),
        ("guanfang", "guanfang"),  # pinyin, for ASCII usernames
        ("kefu_01", "kefu"),
    ],
)
def test_reserved_words_are_found_in_any_disguise(name, word):
    assert names.reserved_word(name) == word


@pytest.mark.parametrize(
    "name",
    [
        "林小雨",
        "lin_xiaoyu",
        "王伟",
        "广场舞大妈",  # square dancing
        "人民广场",  # a place: the product's name not first
        "Times Square",
        "SpongeBob SquarePants",
        "badminton 爱好者",
        "Juventus supporter",
        "supportive_mom",
        "Ali 👩\u200d💻",
        "",
    ],
)
def test_ordinary_names_are_not_reserved(name):
    assert names.reserved_word(name) is None


def test_name_key_reads_a_disguised_name_as_plain_text():
    assert names.name_key("Ａ d m 1 n") == names.name_key("admin")
    assert names.name_key("廣場 運營") == "广场运营"
    assert names.name_key("lin_xiaoyu") == names.name_key("Iin xiaoyu")


# --- usernames: look-alikes (UTS #39 skeleton) and URL segments ----------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("lin_xiaoyu", "Iin_xiaoyu"),  # capital I for l: the example
        ("lin_xiaoyu", "1in_xiaoyu"),
        ("LIN_XIAOYU", "1IN_XIAOYU"),  # (LIN_XIAOYU and lin_xiaoyu: one name, Lower unique)
        ("modern", "modem"),  # rn and m
        ("M", "rn"),
        ("bob0", "BOBO"),  # 0 and o
        ("l1I", "lll"),
    ],
)
def test_look_alike_usernames_share_a_skeleton(a, b):
    assert names.username_skeleton(a) == names.username_skeleton(b)


@pytest.mark.parametrize(("a", "b"), [("lin_xiaoyu", "lin.xiaoyu"), ("alice", "alicia")])
def test_different_usernames_have_different_skeletons(a, b):
    assert names.username_skeleton(a) != names.username_skeleton(b)


@pytest.mark.parametrize("username", [".", "..", ".alice", "alice.", "..."])
def test_usernames_that_break_urls(username):
    assert names.username_breaks_urls(username)


@pytest.mark.parametrize("username", ["a.b", "a..b", "lin_xiaoyu", "a+b", "a-b", "a@b"])
def test_usernames_that_are_path_segments(username):
    assert not names.username_breaks_urls(username)


@pytest.mark.parametrize(
    ("display_name", "username"),
    [
        ("lin_xiaoyu", "lin_xiaoyu"),
        ("@lin_xiaoyu", "lin_xiaoyu"),
        (" ｌｉｎ＿ｘｉａｏｙｕ ", "lin_xiaoyu"),
        ("\u0430lice", "alice"),  # Cyrillic а
        ("林小雨", None),
        ("lin xiaoyu", None),  # a space: no username has one
    ],
)
def test_a_display_name_shaped_like_a_username(display_name, username):
    assert names.as_username(display_name) == username


# --- hidden characters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "林小雨\U000e0041",  # TAG LATIN CAPITAL LETTER A: the example
        "a\u200db",  # ZWJ between letters
        "\u200d林小雨",
        "林小雨\u200d",
        "👨\u200d",  # ZWJ with an emoji on one side only
        "\u200d👩",
        "\U0001f3f4\U000e0041\U000e007f",  # tags spelling something else
        "\U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in "usca") + "\U000e007f",
        "\U000e0067\U000e0062\U000e007f",  # tags without the flag
        "林\ufe0f",  # an emoji selector after a letter
        "林\ufe01",  # other variation selectors
        "林\U000e0100",  # an ideographic variation selector
        "bob\u200b",  # zero-width space
        "\u202enimda",  # right-to-left override
        "a\u00adb",  # soft hyphen
        "a\u034fb",  # combining grapheme joiner
        "a\u180eb",  # Mongolian vowel separator
        "a\u3164b",  # Hangul filler
        "a\nb",
        "a\u2028b",  # line separator
        "a\ue000b",  # private use
        "a\U000e0080b",  # unassigned
    ],
)
def test_hidden_characters_are_found(name):
    assert names.hidden_characters(name)


@pytest.mark.parametrize(
    "name",
    [
        "林小雨",
        FAMILY,  # 👨‍👩‍👧: ZWJ between emoji
        "Ali 👩\u200d💻",
        "👩🏽\u200d💻",  # a skin tone before the ZWJ
        "🏳️\u200d🌈",  # a presentation selector before the ZWJ
        "❤️ 林",
        "1️⃣ 号",  # a keycap
        "©️ ™️ ‼️ ㊗️",  # emoji outside the emoji blocks
        ENGLAND,
        "林 " + ENGLAND + " 雨",
        "林\u3000小雨",  # an ideographic space is a space
    ],
)
def test_visible_names_have_no_hidden_characters(name):
    assert names.hidden_characters(name) == []
