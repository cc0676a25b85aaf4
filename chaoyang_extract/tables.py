"""Tables of indicators: the "主要经济指标" / "主要预期目标" tables reports carry (indicator |
last year's result | this year's target), read a row at a time.

The format readers keep a table's rows on lines of their own: a Word table's cells apart
by a full-width space (an empty cell as nothing between two), an HTML table as
``| a | b |``. A block of such lines is a table of indicators when one of its first rows
names what its columns hold (2016年完成, 2017年目标, 预期目标, 实际完成 …). Each value
cell is read with the name cell, as the sentence "名称 + 数值" would be, by the same rules
as running text; its kind and year come from its column, and its quote is the row.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import regex

from .matching import match_text
from .normalize import normalize
from .records import Record, build_records
from .rulebook import RuleSet

__all__ = ["read_tables"]

_CELL_SPACE = "\u3000"
# What a column holds, from its header: a result (last year's, or a named year's) or a
# target. The year, when the header names one, must be the report's own or the one before.
_RESULT = regex.compile(r"完成|实际|实绩|执行|实现|预计")
_TARGET = regex.compile(r"目标|计划|预期|安排")
_YEAR = regex.compile(r"((?:19|20)\d{2})年?")
# A unit written in the name cell, "地区生产总值增长（%）" or "固定资产投资(亿元)".
_NAME_UNIT = regex.compile(r"[（(]([^（）()]{1,6})[）)]\s*$")
_LEADING_NUMBER = regex.compile(r"^([-−+]?\d+(?:\.\d+)?)(.*)$", regex.S)


@dataclass(frozen=True)
class _Row:
    start: int
    end: int
    cells: list[str]


def _rows(text: str) -> Iterator[list[_Row]]:
    """Blocks of consecutive table lines (at least two cells each)."""
    block: list[_Row] = []
    next_line = -1  # where the line after the block's last one starts
    for start, end in _candidate_lines(text):
        body = text[start:end]
        cells = _cells(body)
        if cells is None or len(cells) < 2:
            continue
        if block and start != next_line:
            yield block
            block = []
        lead = len(body) - len(body.lstrip())
        block.append(_Row(start + lead, start + len(body.rstrip()), cells))
        next_line = end + 1
    if block:
        yield block


def _candidate_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line that holds a cell separator (a full-width space or a
    space between two non-spaces, or a |): the only lines that may be a table's. One scan
    for the separators, then their lines, each once."""
    last = -1
    for m in _SEPARATOR.finditer(text):
        if m.start() < last:
            continue
        if m.group() != "|" and not _between_text(text, m.start()):
            continue
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.start())
        end = len(text) if end < 0 else end
        last = end
        yield start, end


# (The stdlib's re: a character class alone, which it scans for far faster than the
# regex module scans for a pattern that starts with \S.)
_SEPARATOR = re.compile("[\u3000 |]")


def _between_text(text: str, at: int) -> bool:
    """Whether the space at ``at`` stands between two non-spaces of its line."""
    before = text[at - 1] if at else "\n"
    j = at
    while j < len(text) and text[j] in "\u3000 ":
        j += 1
    after = text[j] if j < len(text) else "\n"
    return not before.isspace() and not after.isspace()


def _cells(line: str) -> list[str] | None:
    """A table line's cells, or None for a line of running text.

    >>> _cells("| 指标 | 2016年完成 | 2017年目标 |")
    ['指标', '2016年完成', '2017年目标']
    >>> _cells("城镇登记失业率　　控制在4.5%以内。")
    ['城镇登记失业率', '', '控制在4.5%以内']
    >>> _cells("全市生产总值增长7%。") is None
    True
    """
    s = line.strip()
    cells: list[str] | None = None
    if len(s) > 2 and s.startswith("|") and s.endswith("|"):
        cells = [c.strip() for c in s[1:-1].split("|")]
    elif _CELL_SPACE in s.strip(_CELL_SPACE):
        cells = [c.strip() for c in s.rstrip("。").split(_CELL_SPACE)]
    else:
        cells = _spaced_cells(s)
    # A table's cells are short: paragraphs a scraped page strung on one line are not.
    if cells is None or len(cells[0]) > _NAME_MAX or any(len(c) > _CELL_MAX for c in cells[1:]):
        return None
    return cells


_NAME_MAX = 40
_CELL_MAX = 24


def _spaced_cells(s: str) -> list[str] | None:
    """A PDF's table row, its cells apart by spaces: a Chinese name, then cells that each
    hold a figure, or a header's column names. Running text never looks like this.

    >>> _spaced_cells("地区生产总值增长（%） 7.5 6.5左右")
    ['地区生产总值增长（%）', '7.5', '6.5左右']
    >>> _spaced_cells("指标 2016年完成 2017年目标")
    ['指标', '2016年完成', '2017年目标']
    >>> _spaced_cells("2016 年全市生产总值增长 7%") is None
    True
    """
    cells = s.split()
    if len(cells) < 3 or not _HAN.search(cells[0]) or _FIGURE.match(cells[0]):
        return None
    rest = cells[1:]
    if all(_FIGURE.search(c) for c in rest) or all(_COLUMN_NAME.search(c) for c in rest):
        return cells
    return None


_HAN = regex.compile(r"\p{Han}")
_FIGURE = regex.compile(r"\d")
_COLUMN_NAME = regex.compile(r"完成|实际|目标|计划|预期|预计")


def _roles(header: Sequence[str], report_year: int) -> dict[int, tuple[str, int]]:
    """Column -> (kind, year) of the columns a header row names.

    >>> _roles(["指标", "2016年完成", "2017年目标"], 2017)
    {1: ('result', 2016), 2: ('target', 2017)}
    >>> _roles(["指标", "单位", "预期目标"], 2017)
    {2: ('target', 2017)}
    >>> _roles(["指标", "2013年完成"], 2017)
    {}
    """
    roles: dict[int, tuple[str, int]] = {}
    for j, cell in enumerate(header):
        if j == 0 or not cell:
            continue
        m = _YEAR.search(cell)
        year = int(m.group(1)) if m else None
        if _TARGET.search(cell) and year in (None, report_year):
            roles[j] = ("target", report_year)
        elif _RESULT.search(cell) and year in (None, report_year - 1):
            roles[j] = ("result", report_year - 1)
        elif year == report_year - 1 and not _TARGET.search(cell):
            roles[j] = ("result", year)
    return roles


def _phrase(name: str, value: str) -> str:
    """The sentence a row's name cell and one value cell say together.

    >>> _phrase("地区生产总值增长（%）", "6.5左右")
    '地区生产总值增长6.5%左右'
    >>> _phrase("固定资产投资增长", "12%")
    '固定资产投资增长12%'
    """
    unit = ""
    m = _NAME_UNIT.search(name)
    if m:
        unit, name = m.group(1).strip(), name[: m.start()].rstrip()
    n = _LEADING_NUMBER.match(value)
    if unit and n and not regex.match(r"\s*(?:%|％|[万亿千百]|元|人|个|吨|亩)", n.group(2)):
        value = n.group(1) + unit + n.group(2)
    return name + value


def read_tables(
    rs: RuleSet,
    original: str,
    *,
    doc: str,
    region: str | None,
    report_year: int | None,
    section_at: Callable[[int], tuple[str, str]],
    line_at: Callable[[int], int],
) -> tuple[list[Record], list[tuple[int, int]]]:
    """The records of the tables of indicators in ``original`` (the text as read), and
    the spans of those tables' lines: they are read by their columns, never as sentences."""
    if report_year is None or (
        _CELL_SPACE not in original and "|" not in original and " " not in original
    ):
        return [], []
    out: list[Record] = []
    spans: list[tuple[int, int]] = []
    for block in _rows(original):
        # The last of the first rows that names its columns: a merged top header
        # ("完成情况与预期目标") stands above the row that splits it.
        named = [i for i, row in enumerate(block[:3]) if _roles(row.cells, report_year)]
        if not named:
            continue
        header_at = named[-1]
        header = block[header_at].cells
        roles = _roles(header, report_year)
        spans += [(row.start, row.end) for row in block]
        for row in block[header_at + 1 :]:
            if len(row.cells) != len(header):
                continue  # a row whose columns cannot be told apart is not guessed at
            out += _row_records(
                rs, original, row, roles, doc, region, report_year, section_at, line_at
            )
    return out, spans


def _fixed(period: str, path: str) -> Callable[[int], tuple[str, str]]:
    return lambda _pos: (period, path)


def _row_records(
    rs: RuleSet,
    original: str,
    row: _Row,
    roles: dict[int, tuple[str, int]],
    doc: str,
    region: str | None,
    report_year: int,
    section_at: Callable[[int], tuple[str, str]],
    line_at: Callable[[int], int],
) -> list[Record]:
    out: list[Record] = []
    name = row.cells[0]
    quote = original[row.start : row.end]
    _, path = section_at(row.start)
    for j, (kind, _year) in roles.items():
        if not row.cells[j]:
            continue
        phrase = _phrase(name, row.cells[j])
        norm = normalize(phrase)
        hits, _ = match_text(rs, norm.text, region)
        period = "review" if kind == "result" else "plan"
        records = build_records(
            rs,
            hits,
            doc=doc,
            region=region,
            report_year=report_year,
            text=norm.text,
            original=phrase,
            to_original=norm.span,
            section_at=_fixed(period, path),
            line_at=lambda _pos: 1,
        )
        for r in records:
            if r.kind != kind:
                continue
            out.append(
                dataclasses.replace(
                    r,
                    quote=quote,
                    start=row.start,
                    end=row.end,
                    line=line_at(row.start),
                    section=path,
                    rule="table",
                )
            )
    return out
