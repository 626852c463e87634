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
from edge.document.normalize import by_letters, fold_marks
from edge.ocr.recognizer import LineRead

LONG_NAME_WORD = 5  # letters: a name word this long may be read with one letter wrong


@cache
def name_words() -> frozenset[str]:
    """Every word of the list, in small letters."""
    return frozenset(w for words in _sections().values() for w in words)


@cache
def family_names() -> frozenset[str]:
    """The list's family names, in small letters."""
    return _sections().get("family names", frozenset())


@cache
def _sections() -> dict[str, frozenset[str]]:
    """The list's words by the comment line heading their section."""
    text = resources.files("edge.document").joinpath("data/name_words.txt").read_text(encoding="utf-8")
    out: dict[str, set[str]] = {}
    head = ""
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            head = line.lstrip("# ").strip()
            continue
        out.setdefault(head, set()).update(w.lower() for w in line.split())
    return {k: frozenset(v) for k, v in out.items() if v}


def remark_name(name: str, reads: Iterable[LineRead | None]) -> str:
    """``name`` (as normalised) with a word read in two pieces joined, each word in no list
    re-marked, where a line it was read from (``reads``) holds its letters and a name word is in
    their probabilities (`edge.document.lexicon`), and one still in no list that is one name word
    with a letter lost or one too many made that word."""
    known = name_words()
    out = remark_words(_rejoined(name, known), reads, known).split(" ")
    return " ".join(_spelt_as(w, known, first=i == 0) or _one_letter_off(w, known, first=i == 0)
                    for i, w in enumerate(out))


def _one_letter_off(word: str, known: frozenset[str], first: bool = False) -> str:
    """A word in no list that is one name word with a letter lost or one too many ("KI" for KIM,
    "QUÚANG" for QUANG), or a long one with one letter misread, marks aside ("NƠUYỄN" for
    NGUYỄN; a family name where the name starts), when exactly one name word is so and none is
    only marks away from it ("HẠU" is HẬU misread, not HẠ with a letter too many); else as read."""
    low = word.lower()
    if low in known or not word.isalpha() or fold_marks(low) in _folded():  # a mark away from one: marks misread
        return word
    near = {k for n in (len(low) - 1, len(low) + 1) for k in _by_length().get(n, ())
            if Levenshtein.distance(k, low) == 1}  # lengths one apart: one letter in or out
    if not near and len(low) >= LONG_NAME_WORD:  # one letter misread, marks aside
        folded = fold_marks(low)
        near = {k for k in _by_length().get(len(low), ()) if Levenshtein.distance(fold_marks(k), folded) == 1}
        if len(near) > 1 and first:
            near &= family_names()
    if len(near) != 1:
        return word
    fixed = near.pop()
    return fixed.upper() if word.isupper() else fixed


@cache
def _folded() -> frozenset[str]:
    return frozenset(_by_folded())


@cache
def _by_length() -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    for w in name_words():
        out.setdefault(len(w), []).append(w)
    return {k: tuple(v) for k, v in out.items()}


def _spelt_as(word: str, known: frozenset[str], first: bool = False) -> str | None:
    """``word`` as the name word it is, or the one name word its letters spell with marks aside
    ("NGUYẾN" -> NGUYỄN: a family name where the name starts, NGUYÊN elsewhere), in its case;
    None if neither."""
    low = word.lower()
    if low in known:
        return word
    hits = _by_folded().get(fold_marks(low), ())
    if len(hits) > 1 and first:
        hits = tuple(h for h in hits if h in family_names())
    if len(hits) != 1:
        return None
    return hits[0].upper() if word.isupper() else hits[0]


@cache
def _by_folded() -> dict[str, tuple[str, ...]]:
    """Name words by their letters without marks ("nguyen": nguyên, nguyễn)."""
    return by_letters(name_words())


def _rejoined(name: str, known: frozenset[str]) -> str:
    """A name word read in two pieces, one of them no name word ("NGU YỄN", "THỊ NH", "NGU
    YẾN"), joined, and spelt as the one name word its letters make."""
    words = name.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = words[i:i + 2]
        whole = _spelt_as(pair[0] + pair[1], known, first=not out) if len(pair) == 2 else None
        if whole is not None and not (pair[0].lower() in known and pair[1].lower() in known):
            out.append(whole)
            i += 2
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)
