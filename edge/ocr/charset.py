"""The Vietnamese character set the recogniser reads and the generator must render."""

from __future__ import annotations

import unicodedata
from functools import cache

# Vowel bases and the five tone marks (grave, acute, hook above, tilde, dot below).
VOWEL_BASES = "aăâeêioôơuưy"
TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
CONSONANTS = "bcdđfghjklmnpqrstvwxz"
DIGITS = "0123456789"
PUNCTUATION = ".,-/:()'"


@cache
def vietnamese_letters() -> str:
    """Every letter of the Vietnamese alphabet (plus f j w z), lower then upper case, NFC."""
    lower: list[str] = []
    for base in VOWEL_BASES:
        lower.append(base)
        lower.extend(unicodedata.normalize("NFC", base + mark) for mark in TONE_MARKS)
    lower.extend(CONSONANTS)
    lower_s = "".join(sorted(set(lower)))
    return lower_s + lower_s.upper()


@cache
def charset() -> str:
    """The recogniser's alphabet: letters, digits, punctuation and space (CTC blank excluded)."""
    return vietnamese_letters() + DIGITS + PUNCTUATION + " "


def tone_marked_letters() -> str:
    """Only the letters that carry a diacritic: the ones fonts most often lack."""
    return "".join(c for c in vietnamese_letters() if not c.isascii())


def normalize_text(text: str) -> str:
    """NFC with runs of whitespace folded to one space: the form every value is compared in."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class Codec:
    """Text <-> CTC label ids; id 0 is the CTC blank, ids 1..N the characters of ``alphabet``."""

    def __init__(self, alphabet: str) -> None:
        if len(set(alphabet)) != len(alphabet):
            raise ValueError("alphabet has repeated characters")
        self.alphabet = alphabet
        self._index = {ch: i + 1 for i, ch in enumerate(alphabet)}

    @property
    def num_classes(self) -> int:
        return len(self.alphabet) + 1

    def encode(self, text: str) -> list[int]:
        """Label ids of a text; characters outside the alphabet raise KeyError."""
        return [self._index[ch] for ch in unicodedata.normalize("NFC", text)]

    def decode(self, ids: list[int]) -> str:
        return "".join(self.alphabet[i - 1] for i in ids if 0 < i <= len(self.alphabet))
