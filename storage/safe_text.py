"""Text that any database accepts: NUL characters never reach the driver.

PostgreSQL refuses U+0000 in text (``DataError: A string literal cannot contain NUL``) and in JSONB
(``unsupported Unicode escape sequence``). Validation refuses NUL at the edge (engine/batch); storage
is the second line of defence, so that no path — a file name, a pool name, a query filter, a path
parameter, a stored profile — can make a write or a read fail. Every NUL becomes U+FFFD (the
replacement character, visible as �), in values written and in values compared alike, on SQLite and
on PostgreSQL, so both behave the same.
"""

import json
import re
from typing import Any

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

NUL = "\x00"
REPLACEMENT = "\ufffd"
# `\u0000` in JSON text, but not `\\u0000` (an escaped backslash followed by the letters u0000)
_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def without_nul(value: str) -> str:
    return value.replace(NUL, REPLACEMENT) if NUL in value else value


def dumps_without_nul(value: Any) -> str:
    """The JSON serializer of every engine: JSON text in which no string holds a NUL."""
    text = json.dumps(value, ensure_ascii=False)
    return _JSON_NUL.sub(lambda m: m.group(1) + "\\ufffd", text) if "\\u0000" in text else text


class SafeString(TypeDecorator[str]):
    """A String column whose values (written or compared) carry no NUL."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return without_nul(value) if isinstance(value, str) else value
