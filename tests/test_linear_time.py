"""Issue 9, item 5: extraction time grows linearly with a sentence's length, and
--doc-timeout fails just the document that runs over it."""

from __future__ import annotations

import csv
import io
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from chaoyang_extract.cli import main
from chaoyang_extract.errors import EXIT_INPUT
from chaoyang_extract.extract import extract_document
from chaoyang_extract.rulebook import load_rules

from .conftest import SAMPLE

# The reproducer: one "sentence" of thousands of figures (，never ends it). It took 178 s
# at 20,000 repeats: each name rescanned the sentence from its start, each figure the
# rest of the text.
REPEAT = "地区生产总值增长6.5%，"
# Other shapes that were quadratic: a clause with no break (a lead as long as the text),
# a subject list of thousands of names, and each figure in a shared 分别 list.
SHAPES = {
    "figures": REPEAT,
    "no clause breaks": "地区生产总值增长6.5%",
    "subject list": "地区生产总值、固定资产投资、",
    "respectively": "城乡居民人均可支配收入分别增长6%和7%，",
}


def _seconds(rs: object, text: str) -> float:
    start = time.perf_counter()
    extract_document(rs, text, "x", region="朝阳市")  # type: ignore[arg-type]
    return time.perf_counter() - start


@pytest.mark.parametrize("unit", SHAPES.values(), ids=SHAPES.keys())
def test_time_grows_linearly_with_the_sentence(unit: str) -> None:
    rs = load_rules()
    head = "2017年政府工作报告\n一、2016年工作回顾\n"
    small = head + unit * 2000 + "增长6.5%。\n"
    large = head + unit * 8000 + "增长6.5%。\n"
    _seconds(rs, small)  # warm up: compiled patterns, imports
    # The best of two runs each: a shared machine's noise only ever adds time.
    t_small = min(_seconds(rs, small) for _ in range(2))
    t_large = min(_seconds(rs, large) for _ in range(2))
    # Four times the text: about four times the time when linear, sixteen when quadratic.
    assert t_large < 8 * max(t_small, 0.02), (t_small, t_large)


def test_the_20k_repeat_reproducer_is_quick() -> None:
    text = REPEAT * 20000 + "\n"
    assert _seconds(load_rules(), text) < 30  # 178 s before


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_doc_timeout_fails_only_that_document(tmp_path: Path, jobs: str) -> None:
    slow = tmp_path / "slow.txt"
    slow.write_text(REPEAT * 20000 + "\n", encoding="utf-8")
    good = tmp_path / "good.txt"
    shutil.copy(SAMPLE, good)
    out = tmp_path / "out"
    start = time.monotonic()
    args = ["extract", str(slow), str(good), "-o", str(out), "--format", "csv", "-j", jobs]
    result = CliRunner().invoke(main, [*args, "--doc-timeout", "0.2"])
    assert time.monotonic() - start < 30
    assert result.exit_code == EXIT_INPUT, result.output
    assert f"cyx: {slow}: took over 0.2 s (--doc-timeout); skipped" in result.stderr.splitlines()
    assert "Traceback" not in result.output
    got = rows(out / "records.csv")
    assert {r["doc"] for r in got} == {"good"} and len(got) > 20


def test_doc_timeout_is_generous_by_default_and_0_means_none() -> None:
    from chaoyang_extract.cli_extract import extract

    opt = next(p for p in extract.params if p.name == "doc_timeout")
    assert opt.default == 300
    result = CliRunner().invoke(main, ["extract", "--doc-timeout", "-1", "x.txt"])
    assert result.exit_code == 2
