"""The pipeline for one document: text -> normalised text -> structure -> hits -> records."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .divisions import Resolution, resolve
from .matching import Hit, match_text
from .normalize import normalize
from .records import Record, build_records, dedupe
from .rulebook import RuleSet
from .structure import analyze
from .tables import read_tables

# A line ends at LF, CRLF or a lone CR (old Mac files, some web copies): the ``line``
# column counts lines as an editor shows them.
_LINE_END = re.compile(r"\r\n?|\n")


@dataclass
class DocResult:
    doc: str
    records: list[Record]
    report_year: int | None
    region: str | None
    warnings: list[str] = field(default_factory=list)
    # The parts found, as (heading path, period), in order: what the review page shows.
    sections: tuple[tuple[str, str], ...] = ()
    # The region's division code, province and prefecture, when it resolves to one.
    place: Resolution = field(default_factory=Resolution)


def extract_document(
    rs: RuleSet,
    original: str,
    doc: str,
    *,
    year: int | None = None,
    region: str | None = None,
    metadata: Sequence[str] = (),
    restated_targets: bool = False,
) -> DocResult:
    """Every figure of one report's text. ``year``/``region`` override what the text says;
    ``metadata`` holds what the file says of itself (see ``document_metadata``);
    ``restated_targets`` keeps earlier years' targets the report restates (kind target,
    their own year), which a scorecard can use and a table of the report's own figures
    leaves out."""
    norm = normalize(original)
    text = norm.text
    meta = [normalize(m).text for m in metadata]
    structure = analyze(text, year=year, region=region, name=doc, metadata=meta)
    warnings = list(structure.warnings)
    hits, timed_out = match_text(rs, text, structure.region)
    for rule in timed_out:
        warnings.append(f"rule {rule} timed out and was skipped for this document")
    starts = [0, *(m.end() for m in _LINE_END.finditer(original))]

    def section_at(pos: int) -> tuple[str, str]:
        sec = structure.at(pos)
        return sec.period, sec.path

    def line_at(pos: int) -> int:
        return bisect.bisect_right(starts, pos)

    unplaced: list[Hit] = []
    tabled, table_lines = read_tables(
        rs,
        original,
        doc=doc,
        region=structure.region,
        report_year=structure.report_year,
        # Sections are of the clean text: a row's place in it, by the (ordered) map back.
        section_at=lambda pos: section_at(min(bisect.bisect_left(norm.origin, pos), len(text))),
        line_at=line_at,
    )
    if table_lines:
        # A table's rows are read by their columns (tables.py), not as sentences.
        hits = [h for h in hits if not _within(norm.span(h.start, h.end), table_lines)]
    records = build_records(
        rs,
        hits,
        unplaced=unplaced,
        doc=doc,
        region=structure.region,
        report_year=structure.report_year,
        text=text,
        original=original,
        to_original=norm.span,
        section_at=section_at,
        line_at=line_at,
        restated=restated_targets,
    )
    if tabled:
        records = dedupe([*records, *tabled])
    place = resolve(structure.region, structure.report_year, text)
    if place.warning:
        warnings.append(place.warning)
    if place.code:
        records = [
            replace(r, region_code=place.code, province=place.province, prefecture=place.prefecture)
            for r in records
        ]
    warnings += _left_out(rs, unplaced, text)
    parts = tuple((sec.path, sec.period) for sec in structure.sections)
    return DocResult(doc, records, structure.report_year, structure.region, warnings, parts, place)


def _left_out(rs: RuleSet, unplaced: Sequence[Hit], text: str) -> list[str]:
    core = [h for h in unplaced if rs.indicators[h.indicator].core]
    if not core:
        return []
    return [
        f"{len(core)} figure(s) left out: nothing says whether they are results or "
        f"targets (first: {text[core[0].start : core[0].end]!r})"
    ]


def extract_snippet(
    rs: RuleSet, snippet: str, kind: str, year: int = 2020, region: str | None = None
) -> list[Record]:
    """Figures in a sentence read as if it stood in the review (kind "result") or the plan
    (kind "target") of ``region``'s report delivered in ``year``: how rule examples are run."""
    norm = normalize(snippet)
    hits, timed_out = match_text(rs, norm.text, region)
    if timed_out:
        # An example exists to prove its rule: one that times out on it proves nothing,
        # and `cyx rules test` reports the error.
        raise TimeoutError(f"{', '.join(timed_out)} timed out on this example")
    period = "review" if kind == "result" else "plan"
    return build_records(
        rs,
        hits,
        doc="example",
        region=region,
        report_year=year,
        text=norm.text,
        original=snippet,
        to_original=norm.span,
        section_at=lambda _pos: (period, ""),
        line_at=lambda _pos: 1,
    )


def document_metadata(title: str | None, date: str | None) -> list[str]:
    """A file's own title and date (YYYY-MM-DD) as lines the year and region evidence
    reads: the title as it stands, the date as a page's dateline.

    >>> document_metadata("2017年朝阳市政府工作报告", "2017-03-01")
    ['2017年朝阳市政府工作报告', '发布时间：2017年03月01日']
    >>> document_metadata(None, "2017-3")
    []
    """
    lines = [title.strip()] if title and title.strip() else []
    if date:
        parts = date.split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            lines.append(f"发布时间：{parts[0]}年{parts[1]}月{parts[2]}日")
    return lines


def _within(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    """Whether ``span`` lies inside one of the (sorted, disjoint) ``spans``."""
    i = bisect.bisect_right(spans, (span[0], float("inf"))) - 1
    return i >= 0 and spans[i][0] <= span[0] and span[1] <= spans[i][1]
