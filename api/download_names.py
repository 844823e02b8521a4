"""File names for downloads: a pool's export and a batch's result are named after the pool, so that a tax
agent with thirty clients finds "2025 春季客户.xlsx" in the download folder, not "hnte-pool-1.xlsx".

The name is made safe for every common file system (no path separators, no characters Windows refuses,
no control characters, no leading dots, at most 80 characters). The header carries both an ASCII
`filename` (for old clients) and the UTF-8 `filename*` of RFC 6266 / RFC 5987 that browsers prefer.
"""

import re
import unicodedata
from urllib.parse import quote

MAX_STEM = 80
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_SPACES = re.compile(r"\s+")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)


def safe_stem(name: str, fallback: str) -> str:
    """A file name stem from a free-text name: '2025 春季/海门' → '2025 春季-海门'; the fallback if nothing is left."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", name or ""))  # tabs and newlines are spaces
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    text = _UNSAFE.sub("-", text)
    text = _SPACES.sub(" ", text).strip(" .-")
    text = text[:MAX_STEM].rstrip(" .-")
    if not text or _WINDOWS_RESERVED.match(text):
        return fallback
    return text


def _ascii_stem(stem: str, fallback: str) -> str:
    ascii_text = re.sub(r"[^A-Za-z0-9._ -]+", "", stem)
    ascii_text = _SPACES.sub(" ", ascii_text).strip(" .-")
    return fallback if ascii_text != stem or not ascii_text else ascii_text


def content_disposition(stem: str, suffix: str, fallback: str) -> str:
    """`attachment; filename="…"; filename*=UTF-8''…` for a stem made by safe_stem (suffix with its dot)."""
    ascii_name = _ascii_stem(stem, fallback) + suffix
    utf8_name = quote(stem + suffix, safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8_name}"
