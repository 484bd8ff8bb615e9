"""Ids read from addresses and forms: ASCII digits only, within a 64-bit key.

`str.isdigit()` and `int()` accept far more than 0-9 (`"²".isdigit()` is true and
`int("²")` fails; `int("٣")` is 3; `int(" 7_0 ")` is 70), so an id taken from a URL or a
form is parsed here, in one place, and anything else is simply not an id.
"""

import re

ID_RE = re.compile(r"[0-9]{1,19}", re.ASCII)
MAX_ID = 2**63 - 1  # the largest key PostgreSQL's bigint can hold


def parse_id(value) -> int | None:
    """`value` as a positive id, or None when it is not one (text, signs, spaces,
    non-ASCII digits, zero, or past the 64-bit range)."""
    if not isinstance(value, str) or not ID_RE.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
