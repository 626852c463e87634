"""A word is printed in one case: all capitals, all small letters, or a capital and small letters.

The recogniser sometimes reads a letter whose two cases look alike (c, o, s, u, v, w, x, z, with
or without marks: "NGỌc", "TRò", "LỘc") in the other case.  A word whose letters mix cases any
other way is put in the case of the line around it (the rest of a line of capitals, or title
case), changing only such look-alike letters; a word that needs any other letter changed is left
as read (a code or a name spelt that way on purpose).
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from edge.ocr.syllables import Letter, base_letter, letter_runs

MIN_LETTERS = 3  # shorter runs are initials and abbreviations as often as words
LOOK_ALIKE = frozenset("cosuvwxz")  # the base letters whose capital is their small letter made larger


def _consistent(word: str) -> bool:
    return word.isupper() or word.islower() or (word[0].isupper() and word[1:].islower())


def _look_alike(ch: str) -> bool:
    return base_letter(ch).lower() in LOOK_ALIKE


def _recase(ch: str, upper: bool) -> str:
    return unicodedata.normalize("NFC", ch.upper() if upper else ch.lower())


def consistent_case(letters: list[Letter]) -> list[Letter]:
    """``letters`` with each mixed-case word of MIN_LETTERS or more put in its line's case, and one of
    two letters in a line whose every other word is capitals ("CÔNG TY cỔ PHẦN")."""
    out = list(letters)
    words = [(a, b) for a, b in letter_runs(letters) if b - a >= 2]
    texts = ["".join(letter.char for letter in letters[a:b]) for a, b in words]
    for k, ((a, _), text) in enumerate(zip(words, texts, strict=True)):
        if _consistent(text):
            continue
        others = [t for j, t in enumerate(texts) if j != k]
        if len(text) < MIN_LETTERS:
            if len(others) < 2 or not all(t.isupper() for t in others):
                continue
            capitals = True
        elif others:
            capitals = sum(t.isupper() for t in others) > len(others) / 2
        else:
            capitals = sum(c.isupper() for c in text) > len(text) / 2
        target = [capitals or (i == 0 and text[0].isupper()) for i in range(len(text))]
        if any(c.isupper() != up and not _look_alike(c) for c, up in zip(text, target, strict=True)):
            continue
        for i, up in enumerate(target):
            out[a + i] = replace(letters[a + i], char=_recase(letters[a + i].char, up))
    return out
