"""A date read as no date ("29/00/2010", "30/02/2006") is re-read from the runner-up digits.

Dates on a registration are printed "dd/mm/yyyy" or "ngày dd tháng mm năm yyyy". When the digits
read give no calendar date, the recogniser's next most probable digit at each place often does;
the likeliest such date within `edge.ocr.syllables.MAX_COST` is taken, and its letters carry the
runner-up's lower probability, so the confidence says so.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
from numpy.typing import NDArray

from edge.ocr.syllables import Letter, base_letter, respell

# a digit may be read as a letter that looks like it ("o8/01/2004"): MIN_DIGITS of the eight are digits
DATE = re.compile(r"(?<![\w/])(\w{2})/(\w{2})/(\w{4})(?![\w/])")
MIN_DIGITS = 6
# matched on the letters without their marks, tolerant of a misread "tháng" or "năm" ("thaáng",
# "cháng", "năn") and of digits read as letters like them ("ngày tê tháng 05", "năm 20i0")
DATED = re.compile(r"(?<![\w/])(\w{1,2})\s+[a-z]{2,6}g\s+(\w{1,2})\s+n[a-z]{0,2}[mn]\s+(\w{4})(?![\w/])",
                   re.IGNORECASE)
FIRST_YEAR, LAST_YEAR = 1900, 2099
DIGITS = "0123456789"


def is_date(day: str, month: str, year: str) -> bool:
    if not (day + month + year).isdigit():
        return False
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return FIRST_YEAR <= int(year) <= LAST_YEAR


def correct_dates(letters: list[Letter], probs: NDArray[np.float32], alphabet: str) -> list[Letter]:
    """``letters`` with each date that is no calendar date re-read from its digits' runner-ups."""
    folded = "".join(base_letter(letter.char) or letter.char for letter in letters)  # the same length
    out = list(letters)
    for pattern in (DATE, DATED):
        for m in pattern.finditer(folded):
            if is_date(*m.groups()) or sum(c.isdigit() for c in "".join(m.groups())) < MIN_DIGITS:
                continue
            spans = [m.span(g) for g in (1, 2, 3)]
            digits = [letters[i] for a, b in spans for i in range(a, b)]

            def accept(candidate: str, spans: list[tuple[int, int]] = spans) -> bool:
                d1, d2 = spans[0][1] - spans[0][0], spans[1][1] - spans[1][0]
                return is_date(candidate[:d1], candidate[d1:d1 + d2], candidate[d1 + d2:])

            fixed = respell(digits, probs, alphabet, lambda ch: DIGITS, accept)
            if fixed is None:
                continue
            places = [i for a, b in spans for i in range(a, b)]
            for i, letter in zip(places, fixed, strict=True):
                out[i] = letter
    return out
