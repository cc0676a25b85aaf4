"""Scorecard charts and page: whether each region met the targets it set. matplotlib is
imported inside the functions, so `cyx` starts without it; Agg ``Figure``s keep no pyplot state."""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pandas as pd

from .numbers import unit_info

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["find_cjk_font", "plot_scorecard", "scorecard_html"]

PROBE = "地区生产总值"  # a font must draw these to label charts in Chinese
SIZE = (8.0, 4.5)  # inches; at DPI, 800 x 450 px
DPI = 100
# Font families by preference (name prefixes), then any family whose name hints at CJK.
_PREFERRED: tuple[str, ...] = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN")
_PREFERRED += ("Noto Sans SC", "Noto Sans CJK", "Source Han Sans", "WenQuanYi")
_HINTS = ("CJK", "Hei", "Song", "Kai", "SC")
_MEASURES_ZH = {"level": "总量", "growth": "增速", "rate": "比率", "share": "比重"}
_MEASURES_ZH |= {"count": "数量", "change": "变化"}
_WORDS_ZH = {"result": "实际", "baseline": "目标", "stretch": "力争目标", "range": "目标区间"}
_WORDS_ZH |= {"share": "达标比例", "title": "目标达成比例（达标/有结果的目标）"}
_WORDS = {"result": "result", "baseline": "target", "stretch": "stretch target"}
_WORDS |= {"range": "target range", "share": "share met", "title": "Targets met (of met+missed)"}
_NO_NAMES: Mapping[str, str] = MappingProxyType({})
# No date and no version: the same card gives the same files.
_NO_STAMPS: dict[str, Any] = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
Row = Mapping[Any, Any]
Words = Mapping[str, str]
Counts = Mapping[tuple[str, int], tuple[int, int]]  # (indicator, year) -> (met, met or missed)


def find_cjk_font(name: str | None = None) -> Path | None:
    """The font file for Chinese labels: `name` (a font file or a family matplotlib knows),
    else the best installed CJK font with glyphs for PROBE; None if there is none.
    Raises ValueError where `name` is neither, or its font lacks Chinese glyphs."""
    from matplotlib import font_manager

    if name is not None and Path(name).expanduser().is_file():
        faces = [Path(name).expanduser().resolve()]
    else:
        fonts = font_manager.fontManager.ttflist
        if name is None:
            found = [e for e in fonts if _rank(e.name) is not None]
        elif not (found := [e for e in fonts if e.name.casefold() == name.casefold()]):
            raise ValueError(f"font {name!r}: neither a font file nor a font family known")
        faces = [Path(e.fname) for e in sorted(found, key=_font_order)]
    path = next((p for p in dict.fromkeys(faces) if _has_glyphs(p)), None)
    if path is None and name is not None:
        raise ValueError(f"font {name!r}: no glyphs for {PROBE}")
    return path


def _rank(family: str) -> int | None:
    ranks = (i for i, prefix in enumerate(_PREFERRED) if family.startswith(prefix))
    return next(ranks, len(_PREFERRED) if any(h in family for h in _HINTS) else None)


def _font_order(entry: Any) -> tuple[int, int, bool, str]:
    weight = entry.weight if isinstance(entry.weight, int) else 400
    return _rank(entry.name) or 0, abs(weight - 400), entry.style != "normal", entry.fname


def _has_glyphs(path: Path) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(str(path)).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(c) in charmap for c in PROBE)


def _font_family(font: Path) -> str:
    from matplotlib import font_manager

    manager, target = font_manager.fontManager, font.resolve()
    if not any(Path(e.fname).resolve() == target for e in manager.ttflist):
        manager.addfont(str(target))
    names = [e.name for e in manager.ttflist if Path(e.fname).resolve() == target]
    # A .ttc holds several faces (Noto's JP, KR, SC...); the SC one draws mainland forms.
    return min(names, key=lambda n: ("SC" not in n and "CN" not in n, "Mono" in n, len(n), n))


def plot_scorecard(
    card: pd.DataFrame, out_dir: Path, *, font: Path | None, names: Mapping[str, str] = _NO_NAMES
) -> list[Path]:
    """Draw into out_dir/charts, as PNG and SVG, each region's targets and results of each
    indicator and measure over the years, and the share of targets met per indicator and year
    (met_share); returns the paths. Without `font` labels are ids and codes, ASCII only."""
    import matplotlib

    # Text stays text in SVG (small, searchable); "-" since CJK fonts may lack U+2212.
    rc: dict[Any, Any] = {"svg.fonttype": "none", "axes.unicode_minus": False}
    rc |= {} if font is None else {"font.family": [_font_family(font)]}
    words = _WORDS if font is None else _WORDS_ZH
    series: dict[tuple[str, str, str], list[Row]] = {}
    # (indicator, year) -> (met, met or missed); no_result rows, of no known outcome, don't count
    counts: dict[tuple[str, int], tuple[int, int]] = {}
    for r in card.to_dict("records"):
        region = _text(r.get("region_code")) or _text(r.get("region")) or "unknown"
        series.setdefault((region, str(r["indicator"]), str(r["measure"])), []).append(r)
        if r["status"] in ("met", "missed"):
            met, n = counts.get(key := (str(r["indicator"]), int(r["year"])), (0, 0))
            counts[key] = (met + (r["status"] == "met"), n + 1)
    jobs: list[tuple[str, Callable[[], Figure]]] = []
    if counts:
        label: Callable[[str], str] = str if font is None else (lambda i: names.get(i, i))
        jobs.append(("met_share", partial(_heatmap, counts, label, words)))
    used = {"met_share"}
    for (region, indicator, measure), rows in sorted(series.items()):
        stem, title = _stem(f"{region}_{indicator}_{measure}", used), _title(rows[0], names, words)
        jobs.append((stem, partial(_series_figure, rows, title, words)))
    (out_dir / "charts").mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for stem, draw in jobs:
        # A salt per chart keeps SVG ids reproducible, and distinct when SVGs share a page.
        with matplotlib.rc_context({**rc, "svg.hashsalt": f"cyx-{stem}"}):
            fig = draw()
            for ext, stamps in _NO_STAMPS.items():
                fig.savefig(path := out_dir / "charts" / f"{stem}.{ext}", dpi=DPI, metadata=stamps)
                written.append(path)
    return written


def _text(v: Any) -> str:
    return "" if v is None or bool(pd.isna(v)) else str(v)


def _num(v: Any) -> float:
    return float(v) if _text(v) else math.nan


def _stem(text: str, used: set[str]) -> str:
    # Letters (Chinese ones too), digits, _ and -: nothing a file system or a URL minds.
    base = re.sub(r"[^\w-]+", "_", text).strip("_") or "chart"
    stem, n = base, 1
    while stem in used:
        n, stem = n + 1, f"{base}_{n + 1}"
    used.add(stem)
    return stem


def _title(row: Row, names: Mapping[str, str], words: Words) -> str:
    indicator, measure = str(row["indicator"]), str(row["measure"])
    if words is _WORDS_ZH:
        region = _text(row["region"]) or _text(row["region_code"])
        name, word = names.get(indicator, indicator), _MEASURES_ZH.get(measure, measure)
        return f"{region} {name} {word}".strip()
    return f"{_text(row['region_code']) or '(no region code)'} {indicator} {measure}"


def _unit(rows: list[Row], words: Words) -> str:
    units = [_text(r[k]) for k in ("target_unit", "result_unit") for r in rows if _text(r[k])]
    unit = units[0] if units else ""
    if words is _WORDS_ZH or unit.isascii():
        return unit
    info = unit_info(unit)  # 亿元 -> 1e+08 CNY; what it does not know, as escapes
    return (f"{info.factor:g} {info.unit_std}" if info else ascii(unit)[1:-1]).removeprefix("1 ")


def _series_figure(rows: list[Row], title: str, words: Words) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    for i, scope in enumerate(sorted({_text(r["scope"]) for r in rows})):
        shown = scope if words is _WORDS_ZH or scope.isascii() else f"scope {i + 1}"
        part = [r for r in rows if _text(r["scope"]) == scope]
        _draw_scope(ax, part, f"C{i}", words, f" {shown}" if shown else "")
    years = sorted({int(r["year"]) for r in rows})
    ax.set(
        xticks=years, xticklabels=[str(y) for y in years], xlim=(years[0] - 0.5, years[-1] + 0.5)
    )
    ax.set(title=title, ylabel=_unit(rows, words))
    ax.grid(True, alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    return fig


def _draw_scope(ax: Axes, rows: list[Row], color: str, words: Words, suffix: str) -> None:
    # A year's tiers share its result: one point a year.
    if results := {int(r["year"]): v for r in rows if not math.isnan(v := _num(r["result_value"]))}:
        xs, ys = zip(*sorted(results.items()), strict=True)
        ax.plot(xs, ys, "-o", color=color, label=words["result"] + suffix, zorder=3)
    styles: dict[str, dict[str, Any]] = {
        "baseline": {"linestyle": "--", "marker": "s"},
        "stretch": {"linestyle": "none", "marker": "s", "markerfacecolor": "none"},
    }
    ranged = False
    for tier, style in styles.items():
        targets = sorted((int(r["year"]), *_bounds(r)) for r in rows if r["tier"] == tier)
        if not targets:
            continue
        # A range's marker sits at its middle, with a bar from its low end to its high end.
        years, mid = [y for y, _, _ in targets], [(a + b) / 2 for _, a, b in targets]
        ax.plot(years, mid, color=color, label=words[tier] + suffix, alpha=0.8, **style)
        if bars := [(y, (a + b) / 2, (b - a) / 2) for y, a, b in targets if b > a]:
            x, m, half = (list(c) for c in zip(*bars, strict=True))
            label = None if ranged else words["range"] + suffix
            ax.errorbar(x, m, yerr=half, fmt="none", ecolor=color, capsize=5, label=label)
            ranged = True


def _bounds(row: Row) -> tuple[float, float]:
    low = _num(row["target_value"])
    high = _num(row["target_value_max"]) if row["target_bound"] == "range" else math.nan
    return low, low if math.isnan(high) else high


def _heatmap(counts: Counts, label: Callable[[str], str], words: Words) -> Figure:
    import matplotlib
    import numpy as np
    from matplotlib.figure import Figure

    indicators, years = sorted({i for i, _ in counts}), sorted({y for _, y in counts})
    share = np.full((len(indicators), len(years)), np.nan)
    # Past a dozen indicators the figure grows, so that each row keeps room for its text.
    height = max(SIZE[1], 0.3 * len(indicators) + 1.2)
    fig = Figure(figsize=(SIZE[0], height), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    for (ind, year), (met, n) in counts.items():
        row, col = indicators.index(ind), years.index(year)
        share[row, col] = met / n
        colour = "white" if met / n < 0.15 or met / n > 0.85 else "black"  # on dark red, green
        ax.text(col, row, f"{met / n:.0%}\nn={n}", ha="center", va="center", size=8, color=colour)
    cmap = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#eeeeee")
    image = ax.imshow(np.ma.masked_invalid(share), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    ax.set(xticks=range(len(years)), xticklabels=[str(y) for y in years], title=words["title"])
    ax.set(yticks=range(len(indicators)), yticklabels=[label(i) for i in indicators])
    fig.colorbar(image, ax=ax, label=words["share"], format="{x:.0%}")
    return fig


_STATUS_CLASS = {"met": "met", "missed": "missed", "no_result": "none"}
_CSS = (
    "body{font-family:'Noto Sans CJK SC','Source Han Sans SC',sans-serif;margin:1.5em}figure"
    "{margin:0;flex:1 1 36em;max-width:60em}figure svg,figure img{max-width:100%;height:auto}"
    ".charts{display:flex;flex-wrap:wrap;gap:1em}table{border-collapse:collapse;font-size:.85em}"
    "th,td{padding:.2em;border:1px solid #ccc;vertical-align:top;max-width:28em}th{background:#eee}"
    "td.met{background:#c8eccb}td.missed{background:#f6c6c6}td.none{background:#ddd}"
)


def scorecard_html(
    card: pd.DataFrame, charts: Sequence[Path] = (), *, title: str = "cyx scorecard"
) -> str:
    """One self-contained page (no network, no script): the charts inline (SVG as markup,
    PNG as a data URI; of a chart given in both, the SVG) and the scorecard table."""
    svgs = {p.with_suffix("") for p in charts if p.suffix.lower() == ".svg"}
    figures = "".join(
        _figure(p) for p in charts if p.suffix.lower() == ".svg" or p.with_suffix("") not in svgs
    )
    summary = " · ".join(f"{k}: {(card['status'] == k).sum()}" for k in _STATUS_CLASS)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in card.columns)
    rows = "".join(_row(list(card.columns), r) for r in card.itertuples(index=False, name=None))
    return (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{len(card)} targets; {summary}</p>"
        + (f"<div class='charts'>{figures}</div>" if figures else "")
        + f"<div style='overflow-x:auto'><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>"
        "</table></div></body></html>\n"
    )


def _figure(path: Path) -> str:
    caption = f"<figcaption>{html.escape(path.name)}</figcaption>"
    if path.suffix.lower() == ".svg":
        text = path.read_text(encoding="utf-8")
        # The XML prolog and doctype have no place inside an HTML body.
        return f"<figure>{text[max(0, text.find('<svg')) :]}{caption}</figure>"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    alt = html.escape(path.stem, quote=True)
    return f"<figure><img alt='{alt}' src='data:image/png;base64,{data}'>{caption}</figure>"


def _row(columns: Sequence[Any], values: Sequence[Any]) -> str:
    cells = []
    for column, value in zip(columns, values, strict=True):
        css = _STATUS_CLASS.get(str(value)) if column == "status" else None
        text = f"{value:.12g}" if isinstance(value, float) and _text(value) else _text(value)
        cells.append(f"<td class='{css}'>" if css else "<td>")
        cells.append(f"{html.escape(text)}</td>")
    return f"<tr>{''.join(cells)}</tr>"
