"""The certificate number ("Số: 584870") cut out beside the front's title and read on its own.

The number is printed in red, smaller than the title and lower on its row; the line finder often
boxes it together with the title, and in a crop as tall as the title its digits are small and
pale to the recogniser ("số S84870", "xố QEsy:s"). Cut to the height of its own print it reads
surely. The print's rows are found from the ink right of the title's "Số" (or of its last word,
"TÔ" or "MÁY", where no "Số" was read): Otsu's threshold on the green channel, where red ink is
dark, and the median top and bottom of the last few marks on the row, the number's digits.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from edge.document.fields import SO_WORD, Line
from edge.document.normalize import fold_marks
from edge.ocr.lines import LineBox

Image = np.ndarray
SO_IN_TITLE = re.compile(r"\b" + SO_WORD.replace("[Ss]", "[SsXx]"))  # "Số", "xố" as read
NUMBER = re.compile(r"(\w{5,8})\W*$")  # the last word of the read: the number
MIN_DIGITS = 4  # of the number's characters read as digits
MIN_MARKS = 3  # marks right of the "Số" to take the number's rows from
INK_CONTRAST = 10  # grey levels below the local mean that count as ink
ROW_MARKS = 5  # the number's rows: the median top and bottom of this many marks at the row's right end
TITLE_END = re.compile(r"\b(?:TO|MAY)\b", re.IGNORECASE)  # the title's last word ("... Ô TÔ", "... XE MÁY")
BEYOND_TITLE = 8.0  # without a "Số" in the title: how far right of it (title heights) to look


def number_box(card: Image, title: Line) -> LineBox | None:
    """The box of the number's own print on the title's row, or None where no print is there."""
    _, y0, x1, y1 = title.box
    h = max(1, y1 - y0)
    w = card.shape[1]
    text = title.text
    so = list(SO_IN_TITLE.finditer(text))
    ends = list(TITLE_END.finditer(fold_marks(text)))
    if so:
        left, right = _at(title, so[-1].start()) - h, x1 + h
    elif ends:  # the number read as junk after the title's last word, or as a line of its own
        left, right = _at(title, ends[-1].end()) - h // 2, x1 + round(BEYOND_TITLE * h)
    else:
        left, right = x1 - h, x1 + round(BEYOND_TITLE * h)
    left, right = max(0, left), min(w, right)
    top = max(0, y0 - h // 4)
    band = card[top: y1 + h // 4, left:right]
    if band.size == 0 or right - left < 2 * h:
        return None
    green = band[..., 1] if band.ndim == 3 else band
    block = 2 * (h // 2) + 1  # ink against the paper around it: pale red digits beside a black title count
    ink = cv2.adaptiveThreshold(cv2.GaussianBlur(green, (3, 3), 0), 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                cv2.THRESH_BINARY_INV, block, INK_CONTRAST)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    marks = [s for s in stats[1:n] if 0.15 * h <= s[cv2.CC_STAT_HEIGHT] <= 1.1 * h and s[cv2.CC_STAT_AREA] >= 4]
    if len(marks) < MIN_MARKS:
        return None
    digits = sorted(marks, key=lambda s: int(s[cv2.CC_STAT_LEFT]))[-ROW_MARKS:]  # the number ends the row
    y_top = top + int(np.median([s[cv2.CC_STAT_TOP] for s in digits]))
    y_bottom = top + int(np.median([s[cv2.CC_STAT_TOP] + s[cv2.CC_STAT_HEIGHT] for s in digits]))
    x_end = left + max(int(s[cv2.CC_STAT_LEFT] + s[cv2.CC_STAT_WIDTH]) for s in marks)
    if y_bottom - y_top < 4:
        return None
    return LineBox(left, y_top, max(left + 1, x_end), y_bottom)


def _at(line: Line, index: int) -> int:
    """The column of character ``index`` of ``line``'s text, in proportion to the characters."""
    x0, _, x1, _ = line.box
    return x0 + round((x1 - x0) * index / max(1, len(line.text)))


def number_in(text: str) -> tuple[int, int] | None:
    """Where in ``text`` (a read of the number's box) the number is: its last word, if mostly digits."""
    m = NUMBER.search(text)
    if m is None or sum(c.isdigit() for c in m.group(1)) < MIN_DIGITS:
        return None
    return m.start(1), m.end(1)
