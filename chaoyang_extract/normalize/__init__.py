"""Clean text for matching, with a map from every clean character back to the input.

Rules match simplified characters, ASCII digits, Chinese punctuation and whole sentences;
the output table quotes the input as it was.  ``normalize`` therefore builds a new string
and, for each of its characters, the offset of the input character it came from.

Three passes, each cheap on a long report:

1. one-for-one character changes (full-width forms, punctuation, traditional to
   simplified), which leave every offset where it was, made block by block (``chars``);
2. one regular-expression pass for edits that delete or replace runs (line ends,
   spaces, romanised readings, junk tokens, ";;" quotes, thousands separators, dashes)
   (``edits``);
3. a line pass that joins hard-wrapped lines and drops blank ones (``lines``).

The language knowledge they use is rules/normalize.yaml (``rules``); the offset map is
built and cut in ``offsets``, and the Unicode facts are in ``charsets``.
"""

from __future__ import annotations

from .chars import one_for_one
from .edits import apply_edits, edit_list
from .lines import join_lines
from .offsets import Normalized, edited_origin
from .rules import builtin_rules

__all__ = ["Normalized", "normalize"]


def normalize(original: str) -> Normalized:
    """Clean ``original`` for matching; see the module docstring for what changes.

    A long report is a large part of the process's memory, so each full-size copy of the
    text is let go as soon as the next is built, OpenCC sees one block at a time, and the
    offset map is allocated once and edited in place.  Nothing is kept between calls.

    >>> clean = normalize("　　全市實現地區生產總值１,３６０億元，增長4.5%-5%")
    >>> clean.text
    '全市实现地区生产总值1360亿元，增长4.5%—5%'
    >>> clean.span(clean.text.index("1360"), clean.text.index("亿"))
    (12, 17)
    """
    rules = builtin_rules()
    text = one_for_one(original, rules)
    edits = edit_list(text, rules)
    edited = apply_edits(text, edits)
    del text
    origin = edited_origin(edits, len(edited))
    del edits
    lines = edited.split("\n")
    del edited
    text = join_lines(lines, origin, original, rules)
    del lines
    origin.append(len(original))
    return Normalized(text, origin)
