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

from edge.document.lexicon import remark_words
from edge.ocr.recognizer import LineRead


@cache
def name_words() -> frozenset[str]:
    """Every word of the list, in small letters."""
    text = resources.files("edge.document").joinpath("data/name_words.txt").read_text(encoding="utf-8")
    words = (w for line in text.splitlines() if not line.lstrip().startswith("#") for w in line.split())
    return frozenset(w.lower() for w in words)


def remark_name(name: str, reads: Iterable[LineRead | None]) -> str:
    """``name`` (as normalised) with a word read in two pieces joined, and each word in no list
    re-marked, where a line it was read from (``reads``) holds its letters and a name word is in
    their probabilities (`edge.document.lexicon`)."""
    known = name_words()
    return remark_words(_rejoined(name, known), reads, known)


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
