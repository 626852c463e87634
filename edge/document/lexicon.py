"""Words of a field re-marked into a list of the words that field is made of.

An owner's name is made of name words (`edge.document.names`, the one field that uses this:
addresses are spelt from the place tables in `edge.document.normalize`). A word of the field in
no such list is almost surely misread, and its marks are what the recogniser is least sure of: it is read again
from the recogniser's probabilities at its letters, and the likeliest spelling that only changes
marks (`edge.ocr.syllables.mark_variants`) and is in the list replaces it. Any list word those
probabilities hold at all is taken (MAX_COST, MIN_P against the read letters), not only one
close behind as for a syllable (`edge.ocr.syllables.MAX_COST`, 2.5), and among more of them
(MAX_OPTIONS): chosen on the tuning photos of seeds 900-903, where a cost of 2.5 -> 5 -> 9 gained
3 and 3 owners' names (14 and 1e-9 no more), and 3 -> 8 options 2 more (17 no more).
Words with digits or specks in them stay as read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from edge.ocr.recognizer import LineRead
from edge.ocr.syllables import LONGEST_SYLLABLE, Letter, mark_variants, respell

WORD = re.compile(r"[^\W\d_]+")
MAX_COST = 9.0
MIN_P = 1e-7
MAX_OPTIONS = 8  # the likeliest other marks tried per letter (3 for a syllable): GẤM behind GÂM, GẬM, GẦM ...


def remark_words(text: str, reads: Iterable[LineRead | None], known: frozenset[str]) -> str:
    """``text`` with each word in no list (``known``, small letters) re-marked where a line it
    was read from (``reads``) holds its letters and a list word is in their probabilities."""
    sources = [r for r in reads if r is not None and r.probs is not None and r.letters]
    if not sources:
        return text

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if word.lower() in known or not 1 < len(word) <= LONGEST_SYLLABLE:
            return word
        fixed = next((f for r in sources if (f := remarked(word, r, known)) is not None), None)
        if fixed is None:
            return word
        return fixed.upper() if word.isupper() else fixed

    return re.sub(r"(?<![\w'])[^\W\d_]+(?![\w'])", fix, text)


def remarked(word: str, read: LineRead, known: frozenset[str]) -> str | None:
    """``word`` as ``read`` holds it re-marked into a word of ``known``, or None."""
    assert read.probs is not None
    want = word.lower()
    variants = mark_variants(read.alphabet)
    for m in WORD.finditer(read.text):
        if m.group().lower() != want:
            continue
        letters: list[Letter] = list(read.letters[m.start():m.end()])
        fixed = respell(letters, read.probs, read.alphabet, lambda ch: variants.get(ch, ()),
                        lambda w: w.lower() in known, MAX_COST, MIN_P, MAX_OPTIONS)
        if fixed is not None:
            return "".join(letter.char for letter in fixed)
    return None
