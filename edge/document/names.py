"""An owner's name re-marked from a list of the words names are made of.

Owners' names are drawn from a small stock of words: Vietnamese family, middle and given names,
and the words companies and cooperatives are named with (``data/name_words.txt``). Both "HẠU"
and "HẬU" are syllables, so the recogniser's own syllable check (`edge.ocr.syllables`) keeps
the first; only the second is a name. A word of the name that is in no list is read again from
the recogniser's probabilities at its letters: the likeliest spelling that only changes marks
(within NAME_MAX_COST) and is a name word replaces it. A word read surely stays
as read (a rare name is not made a common one), and so do words with digits or specks in them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from edge.ocr.recognizer import LineRead
from edge.ocr.syllables import LONGEST_SYLLABLE, Letter, mark_variants, respell

WORD = re.compile(r"[^\W\d_]+")
# A word in no list is almost surely misread, and marks are what the recogniser is least sure of:
# any name word its probabilities hold at all (these bounds, against the read letters) is taken,
# not only one close behind as for a syllable (`edge.ocr.syllables.MAX_COST`, 2.5). Chosen on the
# tuning photos of seeds 900-903: 2.5 -> 5 -> 9 gained 4 and 3 names; 14 and 1e-9 no more.
NAME_MAX_COST = 9.0
NAME_MIN_P = 1e-7


@cache
def name_words() -> frozenset[str]:
    """Every word of the list, in small letters."""
    text = resources.files("edge.document").joinpath("data/name_words.txt").read_text(encoding="utf-8")
    words = (w for line in text.splitlines() if not line.lstrip().startswith("#") for w in line.split())
    return frozenset(w.lower() for w in words)


def remark_name(name: str, reads: Iterable[LineRead | None]) -> str:
    """``name`` (as normalised) with a word read in two pieces joined, and each word in no list
    re-marked, where a line it was read from (``reads``) holds its letters and a name word is in
    their probabilities."""
    known = name_words()
    name = _rejoined(name, known)
    sources = [r for r in reads if r is not None and r.probs is not None and r.letters]
    if not sources:
        return name
    out = []
    for word in name.split(" "):
        if word.lower() in known or not 1 < len(word) <= LONGEST_SYLLABLE or not word.isalpha():
            out.append(word)
            continue
        fixed = next((f for r in sources if (f := _remarked(word, r, known)) is not None), None)
        out.append(fixed.upper() if word.isupper() and fixed is not None else fixed or word)
    return " ".join(out)


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


def _remarked(word: str, read: LineRead, known: frozenset[str]) -> str | None:
    assert read.probs is not None
    want = word.lower()
    variants = mark_variants(read.alphabet)
    for m in WORD.finditer(read.text):
        if m.group().lower() != want:
            continue
        letters: list[Letter] = list(read.letters[m.start():m.end()])
        fixed = respell(letters, read.probs, read.alphabet, lambda ch: variants.get(ch, ()),
                        lambda w: w.lower() in known, NAME_MAX_COST, NAME_MIN_P)
        if fixed is not None:
            return "".join(letter.char for letter in fixed)
    return None
