"""An owner's name re-marked from a list of the words names are made of.

Owners' names are drawn from a small stock of words: Vietnamese family, middle and given names,
and the words companies and cooperatives are named with (``data/name_words.txt``). Both "HẠU"
and "HẬU" are syllables, so the recogniser's own syllable check (`edge.ocr.syllables`) keeps
the first; only the second is a name. A word of the name that is in no list is read again from
the recogniser's probabilities at its letters: the likeliest spelling that only changes marks
and is a name word replaces it (`edge.document.lexicon`). A word read surely stays as read (a
rare name is not made a common one), and so do words with digits or specks in them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

from rapidfuzz.distance import Levenshtein

from edge.document.lexicon import remark_words
from edge.document.normalize import fold_marks
from edge.ocr.recognizer import LineRead


@cache
def name_words() -> frozenset[str]:
    """Every word of the list, in small letters."""
    text = resources.files("edge.document").joinpath("data/name_words.txt").read_text(encoding="utf-8")
    words = (w for line in text.splitlines() if not line.lstrip().startswith("#") for w in line.split())
    return frozenset(w.lower() for w in words)


def remark_name(name: str, reads: Iterable[LineRead | None]) -> str:
    """``name`` (as normalised) with a word read in two pieces joined, each word in no list
    re-marked, where a line it was read from (``reads``) holds its letters and a name word is in
    their probabilities (`edge.document.lexicon`), and one still in no list that is one name word
    with a letter lost or one too many made that word."""
    known = name_words()
    out = remark_words(_rejoined(name, known), reads, known)
    return " ".join(_one_letter_off(w, known) for w in out.split(" "))


def _one_letter_off(word: str, known: frozenset[str]) -> str:
    """A word in no list that is one name word with a letter lost or one too many ("KI" for KIM,
    "QUÚANG" for QUANG), when exactly one name word is so and none is only marks away from it
    ("HẠU" is HẬU misread, not HẠ with a letter too many); else as read."""
    low = word.lower()
    if low in known or not word.isalpha() or fold_marks(low) in _folded():  # a mark away from one: marks misread
        return word
    near = {k for n in (len(low) - 1, len(low) + 1) for k in _by_length().get(n, ())
            if Levenshtein.distance(k, low) == 1}  # lengths one apart: one letter in or out
    if len(near) != 1:
        return word
    fixed = near.pop()
    return fixed.upper() if word.isupper() else fixed


@cache
def _folded() -> frozenset[str]:
    return frozenset(fold_marks(w) for w in name_words())


@cache
def _by_length() -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    for w in name_words():
        out.setdefault(len(w), []).append(w)
    return {k: tuple(v) for k, v in out.items()}


def _rejoined(name: str, known: frozenset[str]) -> str:
    """A name word read in two pieces, one of them no name word ("NGU YỄN", "THỊ NH"), joined."""
    words = name.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = words[i:i + 2]
        if (len(pair) == 2 and (pair[0] + pair[1]).lower() in known
                and not (pair[0].lower() in known and pair[1].lower() in known)):
            out.append(pair[0] + pair[1])
            i += 2
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)
