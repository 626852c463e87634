"""A number made of digits only (the certificate number) re-read from the recogniser's probabilities.

The certificate number is printed in red beside the title, and red ink reads pale: a digit
comes out as a letter like it ("S84870", "g35683"). A fixed table of look-alikes guesses
("g" is a 9 as often as an 8); the recogniser's own probabilities at that letter usually hold
the digit close behind. Each letter of the number that is not a digit takes the likeliest
digit at its frame (within `edge.ocr.syllables.MAX_COST`); where none is close the letter is
left to the validator's look-alike table. A number read one digit longer than such numbers are
loses its least sure digit, where the recogniser was unsure of it (a speck or a rule's end
beside the print, read as a "1").
"""

from __future__ import annotations

from collections.abc import Iterable

from edge.ocr.recognizer import LineRead
from edge.ocr.syllables import respell

DIGITS = "0123456789"
SPECK_P = 0.8  # a digit read less surely than this, in a number one digit too long, is a speck


def redigit(number: str, reads: Iterable[LineRead | None]) -> str:
    """``number`` as read, its letters replaced by the digits their lines' probabilities hold next."""
    if number.isdigit() or not number.strip():
        return number
    for read in reads:
        if read is None or read.probs is None or not read.letters:
            continue
        start = read.text.rfind(number)
        if start < 0:
            continue
        letters = list(read.letters[start:start + len(number)])
        fixed = respell(letters, read.probs, read.alphabet,
                        lambda ch: DIGITS if not ch.isdigit() else (), str.isdigit)
        if fixed is not None:
            return "".join(letter.char for letter in fixed)
    return number


def trim_speck(number: str, reads: Iterable[LineRead | None], usual: int) -> str:
    """``number`` read one digit longer than ``usual``: its least sure digit dropped when the
    recogniser was unsure of it (a speck or a rule beside the print read as a "1"), else as read."""
    if len(number) != usual + 1 or not number.isdigit():
        return number
    for read in reads:
        if read is None or not read.letters:
            continue
        start = read.text.rfind(number)
        if start < 0:
            continue
        probs = [letter.prob for letter in read.letters[start:start + len(number)]]
        weakest = min(range(len(probs)), key=probs.__getitem__)
        if probs[weakest] < SPECK_P:
            return number[:weakest] + number[weakest + 1:]
    return number

