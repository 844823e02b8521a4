"""Citations in English: the rule packs cite Chinese documents by article; an English reader gets the
documents' English names and the numbering in English (rules/citations.yaml).

``citation_en("《高新技术企业认定管理办法》第十一条（一）")`` → ``"HNTE Measures Art. 11(1)"``.
"""

import re
from functools import cache
from pathlib import Path

import yaml

CITATIONS_FILE = Path(__file__).resolve().parent.parent / "rules" / "citations.yaml"
DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUMERAL = "[零一二三四五六七八九十百]+"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_ARTICLE = re.compile(f"第({NUMERAL})条")
_ITEM = re.compile(f"（({NUMERAL}|\\d+)）")
_SECTION = re.compile(f"({NUMERAL})、")
_BARE = re.compile(f"(?<![\\w§])({NUMERAL})(?![\\w])")
_TOKEN = re.compile("\x00(\\d+)\x00")


def chinese_number(text: str) -> int:
    """十一 → 11, 二十 → 20, 二百零一 → 201."""
    total, digit = 0, 0
    for char in text:
        if char == "百":
            total += (digit or 1) * 100
            digit = 0
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
        else:
            digit = DIGITS[char]
    return total + digit


@cache
def _terms() -> tuple[tuple[str, str], ...]:
    terms = yaml.safe_load(CITATIONS_FILE.read_text(encoding="utf-8"))["terms"]
    return tuple(sorted(((str(k), str(v)) for k, v in terms.items()), key=lambda pair: -len(pair[0])))


def _number(match: re.Match[str]) -> str:
    text = match.group(1)
    return str(int(text)) if text.isdigit() else str(chinese_number(text))


@cache
def citation_en(citation: str) -> str:
    """The citation in English words (the Chinese text where a term is missing from rules/citations.yaml)."""
    protected: list[str] = []
    text = citation
    for zh, en in _terms():
        if zh in text:
            protected.append(en)
            text = text.replace(zh, f"\x00{len(protected) - 1}\x00")
    text = _ARTICLE.sub(lambda m: f" Art. {_number(m)}", text)
    text = _ITEM.sub(lambda m: f"({_number(m)})", text)
    text = _SECTION.sub(lambda m: f" §{_number(m)} ", text)
    text = _BARE.sub(lambda m: f" §{_number(m)}", text)
    text = text.replace("、", ", ").replace("；", "; ").replace("，", ", ")
    text = _TOKEN.sub(lambda m: protected[int(m.group(1))], text)
    text = re.sub(r"\s+", " ", text).replace(" ,", ",").replace(" ;", ";").replace(") (", ") (").strip()
    return text


def cite(citation: str | None, lang: str) -> str:
    """A citation in the reader's language."""
    if not citation:
        return ""
    return citation_en(citation) if lang == "en" else citation
