"""Vietnamese syllables: which spellings can be one, and a read word put right to the nearest that can.

A Vietnamese word is one syllable: an onset consonant (or none), a rhyme from a closed list and
at most one tone mark; a rhyme that ends in a stop (c, ch, p, t) takes the acute or the
dot-below tone, never another or none. A word read as no such syllable ("TUỞNG": "uơ" is never
followed by a consonant; "Quôc": a stop with no tone) has a misread mark; the recogniser's own
probabilities at that letter usually hold the right one close behind, and `correct_words` takes
it when the read letters' marks can be changed into a syllable for little probability. Words
with digits beside them (plates, engine and chassis numbers) and words with no syllable among
their variants (HONDA, Model, TAXI) are left as read.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from numpy.typing import NDArray

from edge.ocr.ctc import Decoded

# The rhymes of Vietnamese (toneless, modern spelling). The training-line generator draws from
# COMMON_RHYMES; the rare ones are spelt right too (khuya, bâng khuâng, yếm, nguệch, soóc …).
COMMON_RHYMES = (
    "a ai ao au ay an ang anh ac ach at am ap oa oai oan oang oanh oat oac oay "
    "ăn ăng ăc ăt ăm ăp oăn oăng oăt oăc ân âng âc ât âm âp âu ây uân uât uây "
    "e eo en eng et ec em ep oe oen oet oeo ê êu ên ênh êt êch êm êp iêu iên iêng iêt iêc iêm iêp "
    "yêu yên yêt uyên uyêt uê uênh i ia iu in inh it ich im ip "
    "o oi on ong ot oc om op oong ô ôi ôn ông ôt ôc ôm ôp uôi uôn uông uôt uôc uôm "
    "ơ ơi ơn ơt ơm ơp ươi ươu ươn ương ươt ươc ươm ươp uơ u ua ui un ung ut uc um up "
    "ư ưa ưi ưu ưn ưng ưt ưc ưm y uy uyn uynh uyt uych uyu"
)
RARE_RHYMES = "oach oam oăm uâng uya uêch yêm yêng ooc"
# Onsets, longest first; f j w z spell loan words and minority-language names (Cư M'gar, Đắk Lắk).
ONSETS = ("ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
          "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "f", "j", "w", "z", "")
TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # grave, acute, tilde, hook above, dot below
STOP_TONES = frozenset("\u0301\u0323")
STOPS = ("c", "ch", "p", "t")

MAX_COST = 2.5  # the most log-probability a word's marks may lose to become a syllable
MIN_VARIANT_P = 1e-4  # a letter's variants below this probability at its frame are not tried
MAX_OPTIONS = 3  # the most probable other letters tried at each place
MAX_STEPS = 2000  # the most spellings a search looks at (a line of specks read as letters)
LONGEST_SYLLABLE = 7  # "nghiêng", "nghiệp": a longer run of letters is no syllable whatever its marks
ANY_LETTER_MIN = 3  # a word this long may have any letter re-read ("Khỏc" -> "Khỏe"); shorter ones
# (abbreviations: "Q.", "TP") only their marks


@cache
def rhymes() -> frozenset[str]:
    return frozenset((COMMON_RHYMES + " " + RARE_RHYMES).split())


@lru_cache(maxsize=8192)  # bounded: a kiosk reads for months
def is_syllable(word: str) -> bool:
    """Whether ``word`` (any case, NFC) is spelt as one Vietnamese syllable."""
    nfd = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in nfd if c in TONES]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
    for onset in ONSETS:
        if not bare.startswith(onset):
            continue
        rest = bare[len(onset):]
        for rhyme in (rest, "u" + rest) if onset == "qu" else (rest,):  # quỳnh: qu + uynh
            if rhyme in rhymes() and (not rhyme.endswith(STOPS) or (tones and tones[0] in STOP_TONES)):
                return True
    return False


def base_letter(ch: str) -> str:
    """The letter without any mark: ``ữ`` -> ``u``, ``Đ`` -> ``D``."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return {"đ": "d", "Đ": "D"}.get(stripped, stripped)


@cache
def mark_variants(alphabet: str) -> dict[str, tuple[str, ...]]:
    """Each marked-or-markable letter of ``alphabet`` -> the other letters with its base."""
    by_base: dict[str, list[str]] = {}
    for ch in alphabet:
        if ch.isalpha():
            by_base.setdefault(base_letter(ch), []).append(ch)
    out: dict[str, tuple[str, ...]] = {}
    for ch in alphabet:
        if ch.isalpha():
            group = by_base[base_letter(ch)]
            if len(group) > 1:
                out[ch] = tuple(c for c in group if c != ch)
    return out


@cache
def _letters(alphabet: str) -> frozenset[str]:
    return frozenset(c for c in alphabet if c.isalpha())


@dataclass(frozen=True)
class Letter:
    char: str
    frame: int  # the CTC step where this letter peaked
    prob: float


def read_letters(decoded: Decoded, alphabet: str) -> list[Letter]:
    """The letters of a greedy CTC decode, each with its frame and probability."""
    return [Letter(alphabet[k - 1], t, p)
            for k, t, p in zip(decoded.ids, decoded.frames, decoded.char_probs, strict=True)]


def letter_runs(letters: list[Letter]) -> list[tuple[int, int]]:
    """Spans [start, end) of the runs of letters."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(letters):
        if not letters[i].char.isalpha():
            i += 1
            continue
        j = i
        while j < len(letters) and letters[j].char.isalpha():
            j += 1
        spans.append((i, j))
        i = j
    return spans


def _words(letters: list[Letter]) -> list[tuple[int, int]]:
    """Runs of letters with no digit or apostrophe beside them."""
    def beside(i: int) -> str:
        return letters[i].char if 0 <= i < len(letters) else " "

    return [(i, j) for i, j in letter_runs(letters)
            if not (beside(i - 1).isdigit() or beside(j).isdigit() or "'" in (beside(i - 1), beside(j)))]


def respell(word: list[Letter], probs: NDArray[np.float32], alphabet: str,
            others: Callable[[str], Collection[str]], accept: Callable[[str], bool],
            max_cost: float = MAX_COST, min_p: float = MIN_VARIANT_P,
            max_options: int = MAX_OPTIONS, drops: int = 0) -> list[Letter] | None:
    """The most probable spelling of ``word`` that ``accept`` takes, each letter kept or replaced by
    one of ``others(letter)`` at least ``min_p`` probable at its frame (the ``max_options`` likeliest),
    losing at most ``max_cost`` (log-probability); None if none. Up to ``drops`` letters may be
    left out where their frame holds the blank (or the letter before it, which CTC merges) almost
    as probably: a letter read twice ("Thạanh", "Ngọoc").

    A depth-first search over the letters, cheapest choice first, that abandons a branch as soon
    as it has lost more than MAX_COST or more than the best spelling found: a line of specks read
    as letters costs a few steps, not every combination."""
    options: list[list[tuple[float, str, float]]] = []  # (cost against the read letter, letter, p)
    for i, letter in enumerate(word):
        row = probs[letter.frame]
        read = math.log(max(letter.prob, 1e-9))
        floor = max(min_p, letter.prob * math.exp(-max_cost))
        allowed = others(letter.char)
        alts = [(read - math.log(float(row[k])), alphabet[k - 1], float(row[k]))
                for k in np.flatnonzero(row >= floor).tolist()
                if 0 < k <= len(alphabet) and alphabet[k - 1] != letter.char and alphabet[k - 1] in allowed]
        if drops and letter.char.isalpha():
            merged = float(max([row[0], *(row[k] for neighbour in word[max(0, i - 1): i]
                                          for k in _class_of(alphabet, neighbour.char))]))
            if merged >= floor:
                alts.append((read - math.log(merged), "", merged))
        options.append([(0.0, letter.char, letter.prob), *sorted(alts)[:max_options]])
    best: tuple[float, list[tuple[float, str, float]]] | None = None
    chosen: list[tuple[float, str, float]] = []
    budget = MAX_STEPS

    def search(i: int, spent: float) -> None:
        nonlocal best, budget
        budget -= 1
        if budget < 0:
            return
        if i == len(options):
            if accept("".join(c for _, c, _ in chosen)):
                best = (spent, list(chosen))
            return
        for option in options[i]:
            cost = spent + option[0]
            if cost > max_cost or (best is not None and cost >= best[0]):
                break  # the options are sorted by cost: the rest cost more
            if not option[1] and sum(not c for _, c, _ in chosen) >= drops:
                continue
            chosen.append(option)
            search(i + 1, cost)
            chosen.pop()

    search(0, 0.0)
    if best is None:
        return None
    return [Letter(c, letter.frame, p) for (_, c, p), letter in zip(best[1], word, strict=True) if c]


def _class_of(alphabet: str, char: str) -> list[int]:
    """The CTC class of ``char`` (0 is the blank), as a list: empty when it is none."""
    k = alphabet.find(char)
    return [k + 1] if k >= 0 else []


def _horned(word: list[Letter]) -> list[Letter]:
    """"uơ" with more letters after it is "ươ" (TUỞNG -> TƯỞNG): "uơ" ends every syllable it is in
    (thuở, huơ), and the u's horn is the mark read worst while the o's is seen."""
    out = list(word)
    for i in range(len(word) - 2):
        if word[i].char in "uU" and _has_horn(word[i + 1].char):
            out[i] = Letter("ư" if word[i].char == "u" else "Ư", word[i].frame, word[i].prob)
    return out


def _has_horn(ch: str) -> bool:
    return "\u031b" in unicodedata.normalize("NFD", ch)


def correct_words(letters: list[Letter], probs: NDArray[np.float32], alphabet: str) -> list[Letter]:
    """``letters`` with every word that is no syllable re-read as the likeliest that is, if close: its
    marks changed, or in a word of ANY_LETTER_MIN letters or more any letter."""
    out = list(letters)
    variants = mark_variants(alphabet)
    any_letter = _letters(alphabet)
    for start, end in reversed(_words(letters)):  # from the end: a word may lose a letter
        word = letters[start:end]
        if end - start > LONGEST_SYLLABLE or is_syllable("".join(letter.char for letter in word)):
            continue
        horned = _horned(word)
        if horned != word and is_syllable("".join(letter.char for letter in horned)):
            out[start:end] = horned
            continue
        if end - start >= ANY_LETTER_MIN:
            # a letter dropped only when no change of letters will do (a faint letter's frame holds
            # the blank probably enough for a drop to be cheaper than its right reading), and only
            # in a word with a Vietnamese letter: a code in plain capitals ("VVA") is not respelt
            fixed = respell(word, probs, alphabet, lambda ch: any_letter, is_syllable)
            if fixed is None and not all(letter.char.isascii() for letter in word):
                fixed = respell(word, probs, alphabet, lambda ch: any_letter, is_syllable, drops=1)
        else:
            fixed = respell(word, probs, alphabet, lambda ch: variants.get(ch, ()), is_syllable)
        if fixed is not None:
            out[start:end] = fixed
    return out
