"""The review page: one report's text as cyx read it, with every record's quote marked,
the records beside it, and the frame (report year, region, parts) that placed them.

A page is one self-contained HTML file (inline CSS and JS, no network), so that a
researcher can check every figure by eye and see at once what a rule read wrong.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from .extract import DocResult
from .records import Record
from .rulebook import RuleSet

__all__ = ["IndexEntry", "figure_pattern", "index_page", "review_page", "unread_figures"]

_CSS = """
body{font:15px/1.7 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;display:flex;height:100vh}
#text{flex:3;overflow:auto;padding:1em 2em;white-space:pre-wrap;border-right:1px solid #ccc}
#side{flex:2;display:flex;flex-direction:column;padding:0 1em;font-size:13px;min-width:0}
#top{max-height:45%;overflow:auto;flex:none}#rows{flex:1;overflow:auto}
td{white-space:nowrap}h2{margin:.4em 0}
mark{border-radius:3px;padding:0 1px;cursor:pointer}
mark.result{background:#cfe3ff}mark.target{background:#ffe2b8}
mark.result.target{background:linear-gradient(#cfe3ff,#ffe2b8)}
mark.stretch{border-bottom:2px dashed #c60}mark.estimated{font-style:italic}
mark.sel{outline:2px solid #d00}mark b{font-weight:700;color:#003}mark.unread{background:none;border-bottom:2px dotted #999}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:2px 4px}
th{cursor:pointer;background:#f4f4f4;position:sticky;top:0}tr.sel{background:#fee}
#detail{white-space:pre-wrap;background:#f8f8f8;padding:.5em;min-height:3em}
.warn{color:#a40}
"""

_JS = """
const rows=[...document.querySelectorAll('#records tbody tr')];
function pick(id){
  document.querySelectorAll('.sel').forEach(e=>e.classList.remove('sel'));
  const r=document.getElementById('r'+id); if(!r) return;
  r.classList.add('sel'); r.scrollIntoView({block:'center'});
  document.querySelectorAll('mark').forEach(m=>{
    if(m.dataset.ids.split(' ').includes(String(id))) m.classList.add('sel');});
  document.getElementById('detail').textContent=JSON.stringify(RECORDS[id],null,1);
}
document.querySelectorAll('mark').forEach(m=>m.addEventListener('click',()=>{
  if(m.dataset.ids) pick(Number(m.dataset.ids.split(' ')[0]));}));
rows.forEach(r=>r.addEventListener('click',()=>{
  const id=Number(r.id.slice(1)); pick(id);
  const m=[...document.querySelectorAll('mark')].find(
    m=>m.dataset.ids.split(' ').includes(String(id)));
  if(m) m.scrollIntoView({block:'center'});}));
function filt(){
  const q=document.getElementById('q').value.trim(), k=document.getElementById('k').value;
  rows.forEach(r=>{const ok=(!q||r.dataset.ind.includes(q))&&(!k||r.dataset.kind===k);
    r.style.display=ok?'':'none';});
}
document.getElementById('q').addEventListener('input',filt);
document.getElementById('k').addEventListener('change',filt);
document.querySelectorAll('#records th').forEach((th,i)=>th.addEventListener('click',()=>{
  const tb=document.querySelector('#records tbody');
  const key=r=>r.children[i].textContent, num=r=>parseFloat(key(r));
  const sorted=[...tb.children].sort((a,b)=>isNaN(num(a))||isNaN(num(b))?
    key(a).localeCompare(key(b)):num(a)-num(b));
  if(th.dataset.asc==='1'){sorted.reverse();th.dataset.asc='0';}else th.dataset.asc='1';
  sorted.forEach(r=>tb.appendChild(r));}));
"""

_COLUMNS = ("indicator", "kind", "year", "measure", "value", "unit", "bound", "tier", "rule")


def review_page(
    result: DocResult, text: str, source: str, unread: Sequence[tuple[int, int]] = ()
) -> str:
    """The review page of one document: ``text`` is the text it was read as (the one
    every record's start, end and quote refer to); ``unread``: the spans of figures no
    record read (``unread_figures``), marked apart."""
    records = result.records
    data = json.dumps([asdict(r) for r in records], ensure_ascii=False)
    # "</" would end the script element; "<\\/" is the same string to JSON.
    data = data.replace("</", "<\\/")
    title = html.escape(f"{result.doc}: cyx review")
    return "".join(
        [
            f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{title}</title>",
            f"<style>{_CSS}</style></head><body>",
            f"<div id='text'>{_marked_text(text, records, unread)}</div>",
            "<div id='side'><div id='top'>",
            _frame(result, source),
            _unread_list(text, unread),
            "<div id='detail'>点击标记或表格行查看记录 / click a mark or a row</div></div>",
            _table(records),
            "</div>",
            f"<script>const RECORDS={data};{_JS}</script></body></html>",
        ]
    )


def _marked_text(
    text: str, records: Sequence[Record], unread: Sequence[tuple[int, int]] = ()
) -> str:
    """The text, escaped, with each stretch that quotes records in one <mark> naming them
    (quotes may overlap: a list's members share theirs), the figure itself in <b>, and
    unread figures in a quieter <mark class='unread'>."""
    figures = [f for f in (_figure_span(r) for r in records) if f is not None]
    cuts = {0, len(text)}
    for r in records:
        cuts.update((r.start, r.end))
    for a, b in [*unread, *figures]:
        cuts.update((a, b))
    bounds = sorted(c for c in cuts if 0 <= c <= len(text))
    out: list[str] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = html.escape(text[a:b])
        ids = [i for i, r in enumerate(records) if r.start <= a and b <= r.end]
        if not ids:
            missed = any(u <= a and b <= v for u, v in unread)
            out.append(f"<mark class='unread' data-ids=''>{piece}</mark>" if missed else piece)
            continue
        if any(u <= a and b <= v for u, v in figures):
            piece = f"<b>{piece}</b>"
        kinds = {records[i].kind for i in ids}
        classes = sorted(kinds)
        if any(records[i].tier == "stretch" for i in ids):
            classes.append("stretch")
        if any(records[i].estimated for i in ids):
            classes.append("estimated")
        hover = html.escape("\n".join(_summary(records[i]) for i in ids), quote=True)
        out.append(
            f"<mark class='{' '.join(classes)}' data-ids='{' '.join(map(str, ids))}'"
            f" title='{hover}'>{piece}</mark>"
        )
    return "".join(out)


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _figure_span(r: Record) -> tuple[int, int] | None:
    values = (r.value,) if r.value_max is None else (r.value, r.value_max)
    span = figure_in_quote(r.quote, values, r.unit)
    return None if span is None else (r.start + span[0], r.start + span[1])


def figure_in_quote(quote: str, values: Sequence[float], unit: str) -> tuple[int, int] | None:
    """Where a figure is written in its quote: the last number equal to one of ``values``
    (a list names several; a sign is written as 下降), with ``unit`` if it follows. None when
    digits do not say it (三成, 翻一番).

    >>> figure_in_quote("增长7%，力争8%", [8.0], "%")
    (7, 9)
    >>> figure_in_quote("下降9%", [-9.0], "%")
    (2, 4)
    >>> figure_in_quote("翻一番", [100.0], "%") is None
    True
    """
    wanted = {abs(v) for v in values}
    hits = [m for m in _NUMBER.finditer(quote) if float(m.group()) in wanted]
    if not hits:
        return None
    m = hits[-1]
    end = m.end() + len(unit) if unit and quote.startswith(unit, m.end()) else m.end()
    return m.start(), end


def _summary(r: Record) -> str:
    """One line a mark's hover shows: what the record says."""
    value = f"{r.value:g}" + (f"-{r.value_max:g}" if r.value_max is not None else "")
    extra = " ".join(x for x in (r.tier, r.scope, "预计" if r.estimated else None) if x)
    return f"{r.indicator} {r.kind} {r.year} {r.measure} {r.bound} {value}{r.unit} {extra}".strip()


def figure_pattern(rs: RuleSet) -> re.Pattern[str]:
    """A figure as reports write one: digits and a unit of units.yaml (after a scale) or
    a percent, as the rules read them."""
    from .resources import rules_dir
    from .rulebook import read_special
    from .rulebook.ruleset import lexicon_placeholders

    unit = lexicon_placeholders(rs.lexicon, read_special(rules_dir() / "units.yaml"))["UNIT"]
    return re.compile(rf"\d+(?:\.\d+)?(?:{unit}|‰)")


_SENTENCE_END = re.compile(r"[。！？；\n]")


def unread_figures(
    text: str, records: Sequence[Record], core_names: Sequence[str], figure: re.Pattern[str]
) -> list[tuple[int, int]]:
    """(start, end) of each ``figure`` that stands in a sentence naming a core indicator
    but lies in no record's quote: the likely misses a rule could be written for.

    >>> fig = re.compile(r"\\d+(?:%|亿元)")
    >>> unread_figures("生产总值增长7%，达到100亿元。", [], ["生产总值"], fig)
    [(6, 8), (11, 16)]
    >>> unread_figures("植树100亿元。", [], ["生产总值"], fig)
    []
    """
    if not core_names:
        return []
    spans = sorted((r.start, r.end) for r in records)
    out: list[tuple[int, int]] = []
    for m in figure.finditer(text):
        a, b = m.span()
        if any(s <= a and b <= e for s, e in spans):
            continue
        start = max((x.end() for x in _SENTENCE_END.finditer(text, 0, a)), default=0)
        stop = _SENTENCE_END.search(text, b)
        sentence = text[start : stop.start() if stop else len(text)]
        if any(name in sentence for name in core_names):
            out.append((a, b))
    return out


def _unread_list(text: str, unread: Sequence[tuple[int, int]]) -> str:
    if not unread:
        return "<p>unread figures: 0</p>"
    items = "".join(
        f"<li>{html.escape(text[max(0, a - 30) : b + 10])}</li>" for a, b in unread[:200]
    )
    snippet = html.escape(
        "rules:\n  - id: my-rule\n    pattern: '{SEP}{FILL}(?P<dir>{DIR}){FILL}{AMOUNT}'\n"
        "    examples:\n      - text: <the sentence>\n        expect: [{indicator: ..., value: ...}]"
    )
    return (
        f"<details><summary>unread figures ({len(unread)}): in a sentence that names a core "
        f"indicator, but in no record</summary><ul>{items}</ul>"
        f"<p>a rule to start from (docs/RULES.md):</p><pre>{snippet}</pre></details>"
    )


def _frame(result: DocResult, source: str) -> str:
    parts = "".join(
        f"<li>{html.escape(path or '(no heading)')}: {html.escape(period)}</li>"
        for path, period in result.sections
    )
    warnings = "".join(f"<li class='warn'>{html.escape(w)}</li>" for w in result.warnings)
    return (
        f"<h2>{html.escape(result.doc)}</h2><p>{html.escape(source)}</p>"
        f"<p>report year: <b>{result.report_year or '?'}</b>, region: "
        f"<b>{html.escape(result.region or '?')}</b>{_division(result)}, "
        f"rows: {len(result.records)}</p>"
        f"<details><summary>parts ({len(result.sections)})</summary><ul>{parts}</ul></details>"
        + (f"<ul>{warnings}</ul>" if warnings else "")
    )


def _division(result: DocResult) -> str:
    """The region's division code and parents, as the records carry them."""
    p = result.place
    if p.code is None:
        return ""
    parents = " ".join(x for x in (p.province, p.prefecture) if x and x != result.region)
    return html.escape(f" ({p.code}{', ' + parents if parents else ''})")


def _table(records: Sequence[Record]) -> str:
    head = "".join(f"<th>{c}</th>" for c in _COLUMNS)
    body = "".join(
        f"<tr id='r{i}' data-ind='{html.escape(r.indicator, quote=True)}' data-kind='{r.kind}'>"
        + "".join(f"<td>{html.escape(_cell(getattr(r, c)))}</td>" for c in _COLUMNS)
        + "</tr>"
        for i, r in enumerate(records)
    )
    return (
        "<p><input id='q' placeholder='indicator'> <select id='k'><option value=''>all</option>"
        "<option>result</option><option>target</option></select></p>"
        f"<div id='rows'><table id='records'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def _cell(value: object) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class IndexEntry:
    """One document's line in a batch's index: its page, and what it gave or why not."""

    page: str
    result: DocResult | None
    error: str | None = None
    unread: int = 0


def index_page(entries: Sequence[IndexEntry]) -> str:
    """A batch's index: one row a document, linking to its page."""
    rows = []
    for e in entries:
        page, res = e.page, e.result
        if res is None:
            rows.append(
                f"<tr><td>{html.escape(page)}</td>"
                f"<td colspan='5' class='warn'>{html.escape(e.error or '')}</td></tr>"
            )
            continue
        kinds = [r.kind for r in res.records]
        rows.append(
            f"<tr><td><a href='{html.escape(page, quote=True)}'>{html.escape(res.doc)}</a></td>"
            f"<td>{len(kinds)}</td><td>{kinds.count('result')}</td><td>{kinds.count('target')}</td>"
            f"<td>{e.unread}</td><td>{len(res.warnings)}</td></tr>"
        )
    return (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>cyx review</title>"
        f"<style>{_CSS}body{{display:block;padding:1em}}</style></head><body><h1>cyx review</h1>"
        "<table><thead><tr><th>document</th><th>rows</th><th>results</th><th>targets</th>"
        f"<th>unread figures</th><th>warnings</th></tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>"
    )
