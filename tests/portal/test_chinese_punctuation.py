"""Chinese text uses full-width punctuation: no half-width colon, comma,
semicolon, question or exclamation mark, or parenthesis beside a Chinese
character in the Simplified Chinese catalogue (地点：, （答复期限……）)."""

import re

import polib
from django.conf import settings

CATALOGUE = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
# Placeholders (%(name)s, %d, {name}) are not text: each stands as one neutral letter.
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdif]|%[sdif]|\{[^}]*\}")
BESIDE = re.compile(rf"{CJK}\s*[:;,?!()]|[:;,?!()]\s*{CJK}")
# A half-width pair of parentheses around Chinese text, whatever stands at its edges.
PARENTHESISED = re.compile(rf"\([^()]*{CJK}[^()]*\)")


def half_width_beside_chinese(text: str) -> list[str]:
    text = PLACEHOLDER.sub("X", text)
    return [match.group(0) for pattern in (BESIDE, PARENTHESISED) for match in pattern.finditer(text)]


def test_the_check_finds_what_it_is_for():
    assert half_width_beside_chinese("地点: %(place)s") == ["点:"]
    assert half_width_beside_chinese("(答复期限 %(date)s)")
    assert half_width_beside_chinese("已签收, 请答复")
    assert half_width_beside_chinese("地点：%(place)s（答复期限 %(date)s）") == []
    assert half_width_beside_chinese("%(count)d 个工作日，10:30 前") == []


def test_no_half_width_punctuation_beside_chinese_in_the_catalogue():
    found = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if offending := half_width_beside_chinese(text):
                found.append(f"{entry.msgid!r} -> {text!r}: {offending}")
    assert not found, "\n".join(found)
