"""`cyx review` pages in a real browser: Debian's headless Chromium, driven through
chromedriver by selenium. Nothing downloads a browser: the tests use the machine's
`chromium` and `chromedriver` (CYX_CHROMIUM / CYX_CHROMEDRIVER name others).

Without them the tests skip, except where CYX_BROWSER_TESTS=required (`.ci/run` sets
it after installing Chromium): there they fail, so CI never passes without running them.
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from chaoyang_extract.cli import main
from chaoyang_extract.extract import extract_document
from chaoyang_extract.rulebook import load_rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "chaoyang_2017.txt"
WIDTH, HEIGHT = 1280, 900


def _tool(env: str, *names: str) -> str | None:
    if os.environ.get(env):
        return os.environ[env]
    return next((p for n in names if (p := shutil.which(n))), None)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    chromium = _tool("CYX_CHROMIUM", "chromium", "chromium-browser")
    driver_path = _tool("CYX_CHROMEDRIVER", "chromedriver")
    required = os.environ.get("CYX_BROWSER_TESTS") == "required"
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:  # pragma: no cover - dev extra not installed
        chromium = None
    if not chromium or not driver_path:
        message = (
            "browser tests need chromium, chromedriver and selenium (apt: chromium chromium-driver)"
        )
        if required:
            pytest.fail(message + "; CYX_BROWSER_TESTS=required", pytrace=False)
        pytest.skip(message)
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={WIDTH},{HEIGHT}",
    ):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=driver_path), options=opts)
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("review")
    result = CliRunner().invoke(main, ["review", str(SAMPLE), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out / "chaoyang_2017.html"


def _open(drv: object, page: Path) -> None:
    drv.get(page.as_uri())  # type: ignore[attr-defined]
    drv.get_log("browser")  # type: ignore[attr-defined]  # drop what the last page logged


def _errors(drv: object) -> list[str]:
    return [e["message"] for e in drv.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]


def test_page_loads_cleanly_and_marks_every_record(browser: object, sample_page: Path) -> None:
    drv = browser
    drv.get(sample_page.as_uri())  # type: ignore[attr-defined]
    assert _errors(drv) == []
    n = len(extract_document(load_rules(), SAMPLE.read_text(encoding="utf-8"), "x").records)
    ids = drv.execute_script(  # type: ignore[attr-defined]
        "return [...document.querySelectorAll('#text mark')].flatMap("
        "m=>m.dataset.ids?m.dataset.ids.split(' ').map(Number):[])"
    )
    assert sorted(set(ids)) == list(range(n))
    assert drv.execute_script("return RECORDS.length") == n  # type: ignore[attr-defined]
    rows = drv.find_elements("css selector", "#records tbody tr")  # type: ignore[attr-defined]
    assert len(rows) == n


def test_clicking_a_mark_shows_its_record_and_selects_its_row(
    browser: object, sample_page: Path
) -> None:
    drv = browser
    _open(drv, sample_page)
    marks = drv.find_elements("css selector", "#text mark[data-ids]:not(.unread)")  # type: ignore[attr-defined]
    mark = marks[len(marks) // 2]
    drv.execute_script("arguments[0].scrollIntoView({block:'center'})", mark)  # type: ignore[attr-defined]
    mark.click()
    first = int(mark.get_attribute("data-ids").split()[0])
    record = drv.execute_script(f"return RECORDS[{first}]")  # type: ignore[attr-defined]
    detail = drv.find_element("id", "detail").text  # type: ignore[attr-defined]
    assert record["quote"] in detail and record["indicator"] in detail
    assert str(record["value_std"]).rstrip("0").rstrip(".") in detail
    row = drv.find_element("id", f"r{first}")  # type: ignore[attr-defined]
    assert "sel" in row.get_attribute("class")
    assert mark.get_attribute("title").startswith(record["indicator"])
    assert _errors(drv) == []


def test_clicking_a_row_selects_its_marks(browser: object, sample_page: Path) -> None:
    drv = browser
    _open(drv, sample_page)
    rows = drv.find_elements("css selector", "#records tbody tr")  # type: ignore[attr-defined]
    row = rows[-1]
    drv.execute_script("arguments[0].scrollIntoView()", row)  # type: ignore[attr-defined]
    row.click()
    rid = row.get_attribute("id")[1:]
    selected = drv.execute_script(  # type: ignore[attr-defined]
        "return [...document.querySelectorAll('#text mark.sel')].map(m=>m.dataset.ids)"
    )
    assert selected and all(rid in ids.split() for ids in selected)


def test_filtering_the_table_hides_the_other_rows(browser: object, sample_page: Path) -> None:
    drv = browser
    _open(drv, sample_page)
    drv.find_element("id", "q").send_keys("gdp")  # type: ignore[attr-defined]
    shown = drv.execute_script(  # type: ignore[attr-defined]
        "return [...document.querySelectorAll('#records tbody tr')]"
        ".filter(r=>r.style.display!=='none').map(r=>r.dataset.ind)"
    )
    expected = drv.execute_script("return RECORDS.filter(r=>r.indicator.includes('gdp')).length")  # type: ignore[attr-defined]
    assert shown and len(shown) == expected and all("gdp" in s for s in shown)
    drv.find_element("id", "q").clear()  # type: ignore[attr-defined]
    from selenium.webdriver.support.ui import Select

    Select(drv.find_element("id", "k")).select_by_visible_text("target")  # type: ignore[attr-defined]
    kinds = drv.execute_script(  # type: ignore[attr-defined]
        "document.getElementById('q').dispatchEvent(new Event('input'));"
        "return [...document.querySelectorAll('#records tbody tr')]"
        ".filter(r=>r.style.display!=='none').map(r=>r.dataset.kind)"
    )
    assert kinds and set(kinds) == {"target"}


def test_sorting_a_column_orders_the_rows(browser: object, sample_page: Path) -> None:
    drv = browser
    _open(drv, sample_page)
    col = ["indicator", "kind", "year", "measure", "value"].index("value")
    drv.find_elements("css selector", "#records th")[col].click()  # type: ignore[attr-defined]
    values = drv.execute_script(  # type: ignore[attr-defined]
        f"return [...document.querySelectorAll('#records tbody tr')].map(r=>parseFloat(r.children[{col}].textContent))"
    )
    assert values == sorted(values)


def test_screenshot_of_the_sample_page(browser: object, sample_page: Path, tmp_path: Path) -> None:
    drv = browser
    _open(drv, sample_page)
    shot = tmp_path / "review.png"
    assert drv.save_screenshot(str(shot))  # type: ignore[attr-defined]
    width, height, pixels = _png(shot.read_bytes())
    view = drv.execute_script(  # type: ignore[attr-defined]
        "return [innerWidth*devicePixelRatio, innerHeight*devicePixelRatio]"
    )
    assert [width, height] == view and width >= WIDTH * 0.9 and height >= HEIGHT * 0.7
    # Not blank: a page of marked text has many colours, a blank one one or two.
    assert len(set(pixels[i : i + 3] for i in range(0, len(pixels) - 3, 3))) > 50


def _png(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the raw (filtered) scanlines of a PNG, with nothing but zlib."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, zlib.decompress(idat)


def test_a_long_report_page_stays_small_and_works(browser: object, tmp_path: Path) -> None:
    """About 100 pages of report text (the sample's 12,000 characters nine times): the page
    stays under 3 MB and a click still finds its record."""
    text = "\n".join([SAMPLE.read_text(encoding="utf-8")] * 9)
    src = tmp_path / "long_2017.txt"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "rv"
    assert CliRunner().invoke(main, ["review", str(src), "-o", str(out), "-q"]).exit_code == 0
    page = out / "long_2017.html"
    assert page.stat().st_size < 3_000_000
    drv = browser
    _open(drv, page)
    mark = drv.find_elements("css selector", "#text mark.result")[-1]  # type: ignore[attr-defined]
    drv.execute_script("arguments[0].scrollIntoView({block:'center'})", mark)  # type: ignore[attr-defined]
    mark.click()
    assert "quote" in drv.find_element("id", "detail").text  # type: ignore[attr-defined]
    assert _errors(drv) == []
