"""Scorecard charts and page, drawn from a scorecard built here (scorecard.py's columns).

The Chinese-label tests need a CJK font; without one they skip, except where
CYX_BROWSER_TESTS=required (`.ci/run` sets it after installing fonts-noto-cjk).
"""

from __future__ import annotations

import os
import re
import struct
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from chaoyang_extract.charts import find_cjk_font, plot_scorecard, scorecard_html

NAMES = {"gdp": "地区生产总值", "fixed_asset_investment": "固定资产投资"}
NAMES |= {"registered_unemployment_rate": "城镇登记失业率"}
COLUMNS = [
    "region_code", "region", "year", "indicator", "measure", "tier", "scope",
    "target_value", "target_value_max", "target_bound", "target_unit", "result_value",
    "result_unit", "result_estimated", "result_revised_from", "gap", "status",
    "target_quote", "result_quote", "target_doc", "result_doc",
]  # fmt: skip
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _row(code: str | None, region: str, year: int, ind: str, measure: str, **kw: object) -> dict:
    target, result = kw.get("target"), kw.get("result")
    row = dict.fromkeys(COLUMNS)
    row |= {"region_code": code, "region": region, "year": year, "indicator": ind}
    row |= {"measure": measure, "tier": kw.get("tier", "baseline"), "target_value": target}
    row |= {"scope": kw.get("scope")}
    row |= {"target_bound": kw.get("bound", "ge"), "target_unit": kw.get("unit", "%")}
    row |= {"target_value_max": kw.get("max"), "result_value": result, "status": kw["status"]}
    row |= {"result_unit": kw.get("unit", "%") if result is not None else None}
    row |= {"result_estimated": False if result is not None else None}
    row |= {"gap": None if result is None else float(str(result)) - float(str(target))}
    row |= {"target_quote": f"{year}年目标", "target_doc": f"{region}_{year}"}
    row |= {"result_quote": kw.get("quote"), "result_doc": f"{region}_{year + 1}"}
    return row


def _card() -> pd.DataFrame:
    """2 regions, 3 years: met, missed and no_result; a range target, a stretch row, a
    result missing, negative growth, a level in 亿元, a scope, a region without its code."""
    g, f, u = "gdp", "fixed_asset_investment", "registered_unemployment_rate"
    rows = [
        _row("211300", "朝阳市", 2017, g, "growth", target=6.5, result=7.0, status="met"),
        _row("211300", "朝阳市", 2017, g, "growth", target=7.5, result=7.0, status="missed",
             tier="stretch"),
        _row("211300", "朝阳市", 2018, g, "growth", target=6, max=7, bound="range", result=5.5,
             status="missed", quote="增长5.5%<script>alert(1)</script>"),
        _row("211300", "朝阳市", 2019, g, "growth", target=6.5, result=None, status="no_result"),
        _row("211300", "朝阳市", 2017, f, "growth", target=10, result=-3.2, status="missed"),
        _row("211300", "朝阳市", 2018, f, "growth", target=8, result=9.1, status="met"),
        _row("211300", "朝阳市", 2018, g, "level", target=800, result=811.4, status="met",
             unit="亿元"),
        _row("211300", "朝阳市", 2018, u, "rate", target=4.5, result=3.9, status="met",
             bound="le"),
        _row("211300", "朝阳市", 2019, u, "rate", target=4.5, result=4.0, status="met",
             bound="le"),
        _row(None, "阜新市", 2017, g, "growth", target=7, result=7.2, status="met"),
        _row(None, "阜新市", 2018, g, "growth", target=7, result=6.1, status="missed"),
        _row(None, "阜新市", 2019, g, "growth", target=6.5, result=6.6, status="met"),
        _row(None, "阜新市", 2019, u, "rate", target=4.5, result=None, status="no_result"),
        _row(None, "阜新市", 2019, u, "rate", target=4.5, result=4.2, status="met", scope="城镇"),
    ]  # fmt: skip
    card = pd.DataFrame(rows, columns=COLUMNS)
    card["year"] = card["year"].astype("int64")
    for c in ("target_value", "target_value_max", "result_value", "result_revised_from", "gap"):
        card[c] = card[c].astype("Float64")
    card["result_estimated"] = card["result_estimated"].astype("boolean")
    return card


def _font() -> Path:
    font = find_cjk_font()
    if font is None:
        message = "no CJK font (apt: fonts-noto-cjk)"
        if os.environ.get("CYX_BROWSER_TESTS") == "required":
            pytest.fail(message + "; CYX_BROWSER_TESTS=required", pytrace=False)
        pytest.skip(message)
    return font


def _draw(tmp_path: Path, font: Path | None) -> list[Path]:
    # Any warning (a missing glyph above all) fails the draw.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return plot_scorecard(_card(), tmp_path, font=font, names=NAMES)


def _svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text")]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_charts_are_written_with_their_size_and_are_not_blank(tmp_path: Path) -> None:
    written = _draw(tmp_path, None)
    names = sorted(p.name for p in written)
    assert names == sorted(
        f"{stem}.{ext}"
        for stem in (
            "211300_gdp_growth", "211300_gdp_level", "211300_fixed_asset_investment_growth",
            "211300_registered_unemployment_rate_rate", "阜新市_gdp_growth",
            "阜新市_registered_unemployment_rate_rate", "met_share",
        )
        for ext in ("png", "svg")
    )  # fmt: skip
    assert all(p.parent == tmp_path / "charts" and p.stat().st_size > 0 for p in written)
    for png in (p for p in written if p.suffix == ".png"):
        assert _png_size(png) == (800, 450), png.name
        with Image.open(png) as image:
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 20, png.name


def test_svg_output_is_deterministic(tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in _draw(tmp_path / "a", None) if p.suffix == ".svg"}
    second = {p.name: p.read_bytes() for p in _draw(tmp_path / "b", None) if p.suffix == ".svg"}
    assert first == second


def test_chinese_labels_with_a_cjk_font(tmp_path: Path) -> None:
    written = _draw(tmp_path, _font())
    svg = tmp_path / "charts" / "211300_gdp_growth.svg"
    texts = _svg_texts(svg)
    assert "朝阳市 地区生产总值 增速" in texts, texts
    assert "地区生产总值" in svg.read_text(encoding="utf-8")
    assert "阜新市 城镇登记失业率 比率" in _svg_texts(
        svg.with_name("阜新市_registered_unemployment_rate_rate.svg")
    )
    assert "亿元" in _svg_texts(svg.with_name("211300_gdp_level.svg"))
    heat = _svg_texts(tmp_path / "charts" / "met_share.svg")
    assert {"地区生产总值", "固定资产投资", "城镇登记失业率"} <= set(heat)
    assert all(_png_size(p) == (800, 450) for p in written if p.suffix == ".png")


def test_without_a_font_labels_are_ascii(tmp_path: Path) -> None:
    written = _draw(tmp_path, None)
    for svg in (p for p in written if p.suffix == ".svg"):
        texts = _svg_texts(svg)
        assert texts and not [t for t in texts if CJK.search(t)], (svg.name, texts)
    charts = tmp_path / "charts"
    assert "211300 gdp growth" in _svg_texts(charts / "211300_gdp_growth.svg")
    assert "(no region code) gdp growth" in _svg_texts(charts / "阜新市_gdp_growth.svg")
    # 亿元 is 1e8 yuan: the standard unit with its factor.
    assert "1e+08 CNY" in _svg_texts(charts / "211300_gdp_level.svg")


def test_met_share_cells(tmp_path: Path) -> None:
    card = _card()
    counted = card[card["status"].isin(["met", "missed"])]
    expected = Counter()
    for (_, _), part in counted.groupby(["indicator", "year"]):
        share = (part["status"] == "met").mean()
        expected[f"{share:.0%}", f"n={len(part)}"] += 1
    # gdp 2017: two of three met (the stretch target missed), 2018: one of three.
    assert expected[("67%", "n=3")] == 1 and expected[("33%", "n=3")] == 1
    _draw(tmp_path, None)
    texts = _svg_texts(tmp_path / "charts" / "met_share.svg")
    cells = Counter(zip(texts, texts[1:], strict=False))
    for cell, n in expected.items():
        assert cells[cell] >= n, (cell, texts)
    assert sum(1 for t in texts if t.startswith("n=")) == sum(expected.values())


def test_find_cjk_font_refuses_what_is_no_font(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="neither a font file nor a font family"):
        find_cjk_font("/nonexistent.ttf")
    with pytest.raises(ValueError, match="neither a font file nor a font family"):
        find_cjk_font("No Such Family 12345")
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_bytes(b"not a font")
    with pytest.raises(ValueError, match="no glyphs"):
        find_cjk_font(str(not_a_font))


def test_find_cjk_font_without_cjk_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    latin = [e for e in font_manager.fontManager.ttflist if e.name == "DejaVu Sans"]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin)
    assert find_cjk_font() is None
    with pytest.raises(ValueError, match="no glyphs"):
        find_cjk_font("DejaVu Sans")


def test_find_cjk_font_by_file_and_by_family() -> None:
    font = _font()
    assert find_cjk_font(str(font)) == font.resolve()
    from matplotlib import font_manager

    family = next(e.name for e in font_manager.fontManager.ttflist if Path(e.fname) == font)
    assert find_cjk_font(family) is not None


def test_scorecard_html(tmp_path: Path) -> None:
    card = _card()
    charts = _draw(tmp_path, None)
    page = scorecard_html(card, charts, title="朝阳 <scorecard>")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>朝阳 &lt;scorecard&gt;</title>" in page
    assert 'src="http' not in page and "src='http" not in page and "<?xml" not in page
    # Of each chart its SVG, inline; not the PNG besides.
    assert page.count("<svg") == sum(p.suffix == ".svg" for p in charts) == 7
    assert "<img" not in page
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    assert body.count("<tr>") == len(card)
    assert body.count("<td class='met'>met</td>") == (card["status"] == "met").sum()
    assert body.count("<td class='missed'>missed</td>") == (card["status"] == "missed").sum()
    assert body.count("<td class='none'>no_result</td>") == (card["status"] == "no_result").sum()
    assert page.count("<th>") == len(card.columns)


def test_scorecard_html_with_png_or_no_charts(tmp_path: Path) -> None:
    card = _card()
    pngs = [p for p in _draw(tmp_path, None) if p.suffix == ".png"]
    page = scorecard_html(card, pngs[:1])
    assert page.count("<img alt='met_share' src='data:image/png;base64,") == 1
    assert "<svg" not in page
    bare = scorecard_html(card, [])
    assert "<figure" not in bare and bare.count("<tr>") == len(card) + 1


def test_an_empty_card_draws_nothing_and_gives_a_page(tmp_path: Path) -> None:
    empty = _card().iloc[0:0]
    assert plot_scorecard(empty, tmp_path, font=None) == []
    page = scorecard_html(empty, [])
    assert "<tbody></tbody>" in page and "0 targets" in page
