"""Pure rules for the names people go by: usernames and display names. No Django imports.

A name is how a reader decides who is speaking, so these rules stop a member from
passing as someone else: as staff (reserved words), as another member (look-alike
usernames), or with characters a reader cannot see.
"""

import unicodedata

# The part of Unicode's confusables table (UTS #39, confusables.txt, the table behind
# the "skeleton" of section 4) whose *source* is a character allowed in a username
# (ASCII letters, digits and @ . + - _). Every other username character is its own
# prototype. Source: https://www.unicode.org/Public/security/latest/confusables.txt
# (lines `0030 ; 004F`, `0031 ; 006C`, `0049 ; 006C`, `006D ; 0072 006E`); checked
# against the table shipped by confusable-homoglyphs 3.3.1.
ASCII_CONFUSABLES = {"0": "O", "1": "l", "I": "l", "m": "rn"}


def _map(text: str) -> str:
    return "".join(ASCII_CONFUSABLES.get(char, char) for char in text)


def username_skeleton(username: str) -> str:
    """The TR39 skeleton of an ASCII username, case-insensitive like usernames are.

    TR39 keeps case (`0` → `O`, `o` stays), while usernames are unique regardless of
    case, so the mapped text is lower-cased and mapped again: `Iin_xiaoyu`, `lin_xiaoyu`
    and `1in_xiaoyu` share one skeleton, as do `M` and `rn`, `0` and `o`.
    """
    text = unicodedata.normalize("NFD", username)
    return _map(_map(text).lower()).lower()
