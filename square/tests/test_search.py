"""The search terms' rules (`square.search`), as a table of cases."""

import pytest

from square import search


@pytest.mark.parametrize(
    ("body", "query", "found"),
    [
        # Chinese: any word is found by its characters and pairs, without a dictionary.
        ("今年的新年目标", "新年", True),
        ("今年的新年目标", "新", True),
        ("今年的新年目标", "年目标", True),
        ("新年到了，快乐多多", "新年快乐", False),  # both pairs' words, far apart
        ("新年到了，快乐多多", "新年 快乐", True),  # two words asked for
        ("新年，快乐", "新年快乐", False),  # punctuation is a boundary
        ("祝大家新年快乐！", "新年快乐", True),
        # Traditional and Simplified find each other.
        ("新年快樂，比特幣", "新年快乐", True),
        ("新年快乐，比特币", "新年快樂", True),
        ("比特幣交易", "比特币", True),
        # Full-width letters and case.
        ("ＢＩＴＣＯＩＮ is up", "bitcoin", True),
        ("Bitcoin is up", "BITCOIN", True),
        # Words are whole words.
        ("bitcoin is up", "bit", False),
        ("happy new year", "new year", True),
        ("happy new yearly plan", "new year", False),
        # No match across a link or a tag where none is written.
        ("比特https://example.com/x币", "比特币", False),
        ("新年#快乐 来了", "新年快乐", False),
        # A tag's own text is found, and so is a mention's name.
        ("我来了 #新年快乐", "新年快乐", True),
        ("谢谢 @lin_xiaoyu", "xiaoyu", True),
        # A link's text is not.
        ("see https://example.com/bitcoin", "bitcoin", False),
    ],
)
def test_a_query_finds_the_posts_a_reader_expects(body, query, found):
    cut = search.cut(body)
    q = search.parse(query)
    holds_terms = q.terms <= cut.terms
    confirmed = all(_contains(cut.norm, phrase) for phrase in q.phrases)
    assert (holds_terms and confirmed) is found


def _contains(norm: str, phrase: str) -> bool:
    start = "" if search.is_cjk(phrase[0]) else " "
    end = "" if search.is_cjk(phrase[-1]) else " "
    return f"{start}{phrase}{end}" in norm


def test_terms_are_characters_pairs_and_words():
    cut = search.cut("新年快乐 Bitcoin")
    assert cut.terms == {"新", "年", "快", "乐", "新年", "年快", "快乐", "bitcoin"}
    assert cut.norm == " 新年快乐 bitcoin "


def test_a_two_character_query_is_one_pair_and_a_longer_one_its_pairs():
    assert search.parse("比特").terms == {"比特"}
    assert search.parse("比特").phrases == ()
    assert search.parse("比特币").terms == {"比特", "特币"}
    assert search.parse("比特币").phrases == ("比特币",)


def test_signs_choose_topics_and_people():
    assert (search.parse("#新年").kind, search.parse("#新年").text) == ("tag", "新年")
    assert (search.parse("@lin").kind, search.parse("@lin").text) == ("people", "lin")
    assert search.parse("新年 #快乐").kind == "posts"


def test_a_query_of_only_punctuation_is_empty():
    assert search.parse("？！…").empty
    assert search.cut("！！！").terms == frozenset()


def test_highlights_point_at_the_original_text():
    body = "祝大家新年快乐！Happy NEW year"
    spans = search.highlight_spans(body, search.parse("新年快乐 new"))
    assert [body[a:b] for a, b in spans] == ["新年快乐", "NEW"]


def test_a_match_past_the_first_lines_is_still_shown_and_no_half_word_is_marked():
    body = "无关的内容。" * 39 + " bitcoin 新年快乐"  # the window ends inside "bitcoin"
    html = search.excerpt_html(body, search.parse("bit"))
    assert html == ""  # "bit" is no word of this post
    html = search.excerpt_html(body, search.parse("新年快乐"))
    assert "<mark>新年快乐</mark>" in html
