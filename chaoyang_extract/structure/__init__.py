"""Structure before matching: the report year, the reporting jurisdiction, and sections.

Whether a figure is a result (year Y-1) or a target (year Y) is mostly decided by where
it stands, so this package cuts the normalised text into contiguous sections and tells
each one's period. All wording lives in ``rules/structure.yaml``; this package only knows
the shape of a report: headings form an outline, a heading's words name a period, a
sub-heading may only refine its parent's period, and a paragraph that clearly says which
period it talks about may refine its part's period for itself and the paragraphs after it.

- ``periods``: the period names and their families;
- ``result``: what ``analyze`` returns (``Structure``, ``Section``);
- ``rulefile``: structure.yaml read through the rulebook and compiled (``_Rules``);
- ``year_rules``: the cue patterns that depend on the report year (``_YearRules``);
- ``evidence``: the report year and the region, weighed from evidence rules;
- ``headings``: which lines are headings, and the periods their words name;
- ``outline``: the outline the headings form, and each heading's period;
- ``sections``: the sections, refined by paragraph and sentence cues.
"""

from __future__ import annotations

from collections.abc import Sequence

from .evidence import _detect_region, _detect_year, _name_year, line_starts
from .periods import PERIODS
from .result import Section, Structure
from .rulefile import _rules
from .sections import _sections
from .year_rules import _year_rules

__all__ = ["PERIODS", "Section", "Structure", "analyze", "line_starts"]


def analyze(
    text: str,
    year: int | None = None,
    region: str | None = None,
    name: str | None = None,
    metadata: Sequence[str] = (),
) -> Structure:
    """Report year, region and the contiguous sections of normalised report text.

    ``year`` and ``region`` override what the text says (the CLI's --year / --region).
    ``name`` (the document's file name) is the weakest evidence of the year: it is used
    only when the text names none. ``metadata``: lines the file itself gives beside its
    text (a page's title, ``发布时间：2017年03月01日``), read by the same evidence rules as
    if they opened the text; sections are the text's alone.
    """
    rules = _rules()
    warnings: list[str] = []
    starts = line_starts(text)
    evidence, ev_starts = text, starts
    if metadata:
        evidence = "\n".join(metadata) + "\n" + text
        ev_starts = line_starts(evidence)
    if year is None:
        year, found = _detect_year(evidence, rules, ev_starts, _name_year(name, rules))
        warnings.extend(found)
    if region is None:
        region = _detect_region(evidence, rules, ev_starts)
        if region is None:
            warnings.append("region not found")
    yr = _year_rules(year)
    # A page without headings is no problem in itself (paragraph and sentence cues place
    # its figures); what could not be placed is warned about by the caller.
    sections = _sections(text, rules, yr)
    return Structure(year, region, tuple(sections), tuple(warnings))
