"""A company's name put right phrase by phrase: its legal form and trades are set words.

Owners that are companies ("CÔNG TY TNHH MỘT THÀNH VIÊN THIẾT BỊ Y TẾ VÀ THỰC PHẨM ĐẠI NAM") are
named with a small stock of phrases (``data/company_phrases.txt``). Their words are name words
too, so a mark misread into another name word ("THỤC" for THỰC, a given name) passes the name
list; a phrase does not: a run of words whose letters, marks aside, are one phrase's (or a
letter off a long one: "TH1ẾT BỊ", "LOGTSTICS", "XUẢ T NHẬP KHẨU") is that phrase. Only in a
name that is a company's (a legal form found in it), and in its last words, where its own name
is printed, only the marks.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from rapidfuzz.distance import Levenshtein

from edge.document.normalize import fold_marks
from edge.ocr.syllables import is_syllable

LONG_PHRASE = 6  # letters (marks aside): a phrase this long may be read a letter off ...
SHORT_PHRASE = 3  # letters: a shorter phrase ("CP") is only ever read exactly
OWN_NAME = 2  # ... but not in the name's last words: the company's own name ("DUY LINH" is no "DU LỊCH")
FORMS = ("CÔNG TY", "DOANH NGHIỆP TƯ NHÂN", "HỢP TÁC XÃ", "TNHH", "MTV", "CP", "CỔ PHẦN", "TẬP ĐOÀN")


@cache
def company_phrases() -> tuple[str, ...]:
    """The phrases, longest first (in words, then letters)."""
    text = resources.files("edge.document").joinpath("data/company_phrases.txt").read_text(encoding="utf-8")
    rows = {line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")}
    return tuple(sorted(rows, key=lambda p: (-len(p.split()), -len(p), p)))


def _key(words: list[str]) -> str:
    """Letters and digits only, marks aside, in small letters: what a phrase is matched on."""
    return re.sub(r"[^a-z0-9]", "", fold_marks("".join(words)))


def _is(words: list[str], phrase: str, letter_off: bool = True) -> bool:
    got, want = _key(words), _key([phrase])
    if got == want:
        return True
    # a letter off: a long phrase, or a short one misread in a letter as no Vietnamese word ("TNHM")
    short_ok = len(want) >= SHORT_PHRASE and len(got) == len(want) and len(words) == 1 and not is_syllable(words[0])
    return letter_off and (len(want) >= LONG_PHRASE or short_ok or _one_word_off(words, phrase)) \
        and Levenshtein.distance(got, want) <= 1


def _one_word_off(words: list[str], phrase: str) -> bool:
    """A phrase of several words read with every word but one exactly, that one a letter off in
    place ("ĐẦU TV" for ĐẦU TƯ)."""
    parts = phrase.split()
    if len(parts) < 2 or len(words) != len(parts):
        return False
    keys = [(_key([w]), _key([p])) for w, p in zip(words, parts, strict=True)]
    off = [(a, b) for a, b in keys if a != b]
    return len(off) == 1 and len(off[0][0]) == len(off[0][1])


def is_company(name: str) -> bool:
    words = name.split()
    return any(_is(words[i:i + len(form.split())], form) for form in FORMS for i in range(len(words)))


def respell_company(name: str) -> str:
    """``name`` with each run of words that is a company phrase read a mark or letter off made
    that phrase, when the name is a company's; else as read. A run may be a word more or less
    than the phrase (a word split at a gap, two run together)."""
    if not is_company(name):
        return name
    words = name.split()
    if words and _key(words[:1]) == "ty":  # the "CÔNG" of "CÔNG TY" lost at the line's start
        words.insert(0, "CÔNG")
    # exact phrases (marks aside) first, everywhere; then phrases a letter off among the words
    # left, so "VỤ VẬN TẢI" keeps VẬN TẢI rather than become "TƯ VẤN" + TẢI
    spans: dict[int, tuple[str, int]] = {}
    for letter_off in (False, True):
        i = 0
        while i < len(words):
            hit = None if _covered(spans, i) else _phrase_at(words, i, letter_off, spans)
            if hit is None:
                i += 1
                continue
            spans[i] = hit
            i += hit[1]
    out: list[str] = []
    i = 0
    while i < len(words):
        if i in spans:
            out.append(spans[i][0])
            i += spans[i][1]
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def _covered(spans: dict[int, tuple[str, int]], i: int) -> bool:
    return any(start <= i < start + n for start, (_, n) in spans.items())


def _phrase_at(words: list[str], i: int, letter_off: bool, spans: dict[int, tuple[str, int]]) -> tuple[str, int] | None:
    """The phrase a run of words starting at ``i`` is, and how many words; None if none."""
    for phrase in company_phrases():
        k = len(phrase.split())
        for n in sorted({k, k + 1, max(1, k - 1)}, key=lambda n: abs(n - k)):
            if i + n > len(words) or any(_covered(spans, j) for j in range(i, i + n)):
                continue
            # the company's own name ends it, in a word or two: only marks are put right there
            if _is(words[i:i + n], phrase, letter_off and i + n <= len(words) - OWN_NAME):
                return phrase, n
    return None
