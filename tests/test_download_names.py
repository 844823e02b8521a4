"""Download names made from a pool's free-text name: safe on every file system, UTF-8 in the header."""

from urllib.parse import unquote

import pytest

from api.download_names import content_disposition, safe_stem


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("2025 春季客户", "2025 春季客户"),
        ("2025 春季/海门\\三厂", "2025 春季-海门-三厂"),
        ('a<b>c:"d"|e?f*', "a-b-c-d-e-f"),
        ("../../etc/passwd", "etc-passwd"),
        ("  名单\t\n二  ", "名单 二"),
        ("CON", "hnte-pool-7"),
        ("...", "hnte-pool-7"),
        ("\x00\x07", "hnte-pool-7"),
        ("长" * 200, "长" * 80),
    ],
)
def test_a_pool_name_becomes_a_safe_file_name(name: str, stem: str) -> None:
    assert safe_stem(name, "hnte-pool-7") == stem


def test_the_header_has_an_ascii_name_and_the_utf8_name() -> None:
    header = content_disposition("2025 春季客户", ".xlsx", "hnte-pool-7")
    ascii_part, utf8_part = header.split("; filename*=")
    assert ascii_part == 'attachment; filename="hnte-pool-7.xlsx"'
    assert utf8_part.startswith("UTF-8''") and unquote(utf8_part[len("UTF-8''") :]) == "2025 春季客户.xlsx"
    assert header.isascii()
    plain = content_disposition("Spring 2025", ".xlsx", "hnte-pool-7")
    assert plain == "attachment; filename=\"Spring 2025.xlsx\"; filename*=UTF-8''Spring%202025.xlsx"
