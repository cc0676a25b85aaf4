"""Issue 9: every column loads with the same type and the same nulls from every format
(CSV, JSON lines, Parquet, the partitioned dataset, XLSX), in pandas and in pyarrow, each
read the plain way the README shows."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.json as pajson
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from chaoyang_extract.cli import main
from chaoyang_extract.records import COLUMNS

from .conftest import ROOT, SAMPLE

UNDATED = "主要预期目标：地区生产总值增长6%左右，力争6.5%，城镇登记失业率控制在4%以内。\n"
# A row's identity, to line up the partitioned dataset (grouped by year) with the others.
ROW_KEY = ["doc", "start", "end", "indicator", "measure", "kind", "tier", "scope"]


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("types")
    (tmp / "undated.txt").write_text(UNDATED, encoding="utf-8")
    inputs = [str(SAMPLE), str(ROOT / "tests" / "corpus" / "heldout2"), str(tmp / "undated.txt")]
    for sub, extra in (("flat", ["--format", "csv,parquet,jsonl,xlsx"]), ("part", ["--partition"])):
        res = CliRunner().invoke(
            main, ["extract", *inputs, "-o", str(tmp / sub), "--name", "t", "-q", *extra]
        )
        assert res.exit_code == 0, res.output
    return tmp


def _family(dtype: Any) -> str:
    s = str(dtype).lower()
    for word, fam in (("int", "int"), ("float", "float"), ("double", "float"), ("bool", "bool")):
        if word in s:
            return fam
    if s in ("string", "str", "object", "large_string") or s.startswith("string"):
        return "string"
    return s


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def _columns(df: pd.DataFrame) -> dict[str, tuple[str, list[Any]]]:
    df = df.sort_values(ROW_KEY, na_position="first", kind="stable").reset_index(drop=True)
    return {c: (_family(df[c].dtype), [_plain(v) for v in df[c]]) for c in df.columns}


def pandas_loads(t: Path) -> dict[str, pd.DataFrame]:
    nullable = {"dtype_backend": "numpy_nullable"}
    return {
        "csv": pd.read_csv(t / "flat" / "t.csv", encoding="utf-8-sig", **nullable),
        # precise_float: pandas' fast JSON parser rounds -0.6 to -0.6000000000000001.
        "jsonl": pd.read_json(t / "flat" / "t.jsonl", lines=True, precise_float=True, **nullable),
        "parquet": pd.read_parquet(t / "flat" / "t.parquet"),
        "partitioned": pd.read_parquet(t / "part" / "t.parquet"),
        "xlsx": pd.read_excel(t / "flat" / "t.xlsx", sheet_name="records", **nullable),
    }


def arrow_loads(t: Path) -> dict[str, pa.Table]:
    # strings_can_be_null: CSV has one way to write null text, the empty cell.
    opts = pacsv.ConvertOptions(strings_can_be_null=True)
    return {
        "csv": pacsv.read_csv(t / "flat" / "t.csv", convert_options=opts),
        "jsonl": pajson.read_json(t / "flat" / "t.jsonl"),
        "parquet": pq.read_table(t / "flat" / "t.parquet"),
        "partitioned": ds.dataset(t / "part" / "t.parquet", format="parquet").to_table(),
    }


def _compare(got: dict[str, dict[str, tuple[str, list[Any]]]]) -> None:
    ref = got["parquet"]
    assert list(ref) == list(COLUMNS)
    # Every column has values and nulls to compare where the schema allows nulls.
    assert all(any(v is not None for v in vals) for _fam, vals in ref.values())
    for col in ("region", "report_year", "year", "value_max", "tier", "scope", "section"):
        assert None in ref[col][1], col
    for fmt, cols in got.items():
        assert list(cols) == list(COLUMNS), fmt
        for c in COLUMNS:
            assert cols[c][0] == ref[c][0], (fmt, c, cols[c][0], ref[c][0])
            assert cols[c][1] == ref[c][1], (fmt, c)


def test_pandas_reads_every_format_alike(tables: Path) -> None:
    loads = pandas_loads(tables)
    _compare({fmt: _columns(df) for fmt, df in loads.items()})
    # The plain pandas reads give integer years with nulls, not float or category.
    for fmt in ("parquet", "partitioned"):
        assert str(loads[fmt]["report_year"].dtype) == "Int16", fmt
    assert str(loads["csv"]["estimated"].dtype) == "boolean"


def test_pyarrow_reads_every_format_alike(tables: Path) -> None:
    loads = arrow_loads(tables)
    _compare({fmt: _columns(t.to_pandas(types_mapper=pd.ArrowDtype)) for fmt, t in loads.items()})
    assert loads["partitioned"].schema.field("report_year").type == pa.int16()
