"""The Arrow table of the records, built from buffers (without pa.array, which imports
pandas), is the table pa.array builds: same values, nulls, schema and metadata."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chaoyang_extract.arrow_arrays import column_array
from chaoyang_extract.extract import extract_document
from chaoyang_extract.records import COLUMNS, Record
from chaoyang_extract.rulebook import load_rules
from chaoyang_extract.table import SCHEMA, schema_metadata, to_arrow

BASE = Record(
    "d", "朝阳市", 2017, "gdp", "地区生产总值", "result", 2016, "annual", "growth", 6.5,
    7.0, "%", 6.5, "%", "range", "stretch", True, "城镇", "q", 0, 11, 1, "s", "r",
)  # fmt: skip
NULLS = dataclasses.replace(
    BASE,
    region=None,
    report_year=None,
    year=None,
    value_max=None,
    tier=None,
    scope=None,
    section="",  # the table holds null for no section
    estimated=False,
)
ODD_TEXT = dataclasses.replace(
    BASE,
    doc="𠀀报告",
    region="",
    indicator_zh="𠀀𠀁",
    unit="",
    tier="",
    scope="",
    quote="",
    section="第一章 𠀀",
    rule="",
    start=2**31 - 1,
    end=-(2**31),
    report_year=-(2**15),
    year=2**15 - 1,
    value=-0.0,
    value_max=1e-300,
)


def reference(records: Sequence[Record], rules_version: str) -> pa.Table:
    """The table as cyx built it before: pa.array on each column's Python values."""
    arrays = []
    for field in SCHEMA:
        values = [getattr(r, field.name) for r in records]
        if field.name == "section":
            values = [v or None for v in values]
        arrays.append(pa.array(values, type=field.type))
    meta = schema_metadata(SCHEMA, rules_version)
    return pa.Table.from_arrays(arrays, schema=SCHEMA.with_metadata(meta))


def parquet_bytes(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    "records",
    [
        [],
        [BASE],
        [NULLS],
        [NULLS, NULLS],
        [BASE, NULLS, ODD_TEXT],
        [ODD_TEXT, NULLS, BASE, NULLS] * 5,
    ],
    ids=["none", "one", "all_nulls", "only_nulls", "mixed", "many"],
)
def test_table_equals_the_pa_array_table(records: list[Record]) -> None:
    got = to_arrow(records, "rv1")
    want = reference(records, "rv1")
    assert got.equals(want, check_metadata=True)
    assert got.schema.equals(want.schema, check_metadata=True)
    assert [c.null_count for c in got.columns] == [c.null_count for c in want.columns]
    assert got.to_pylist() == want.to_pylist()
    got.validate(full=True)
    assert parquet_bytes(got) == parquet_bytes(want)


def test_table_of_a_report_equals_the_pa_array_table(sample_text: str) -> None:
    records = extract_document(load_rules(), sample_text, "chaoyang_2017").records
    assert len(records) > 30
    assert to_arrow(records, "").equals(reference(records, ""), check_metadata=True)


@pytest.mark.parametrize(
    ("values", "arrow_type"),
    [
        ([None, None, None], pa.string()),
        ([None] * 9, pa.int16()),
        ([True, None, False, True, True, False, False, None, True], pa.bool_()),
        ([1.5, None, float("inf"), -0.0], pa.float64()),
        (["a", None, "", "𠀀", "é"], pa.string()),
        ([], pa.bool_()),
    ],
)
def test_column_array_is_pa_array(values: list[Any], arrow_type: pa.DataType) -> None:
    got = column_array(values, arrow_type)
    got.validate(full=True)
    assert got.equals(pa.array(values, type=arrow_type))
    assert got.null_count == values.count(None)


def test_a_number_too_wide_fails_as_pa_array_does() -> None:
    with pytest.raises(pa.ArrowInvalid):
        pa.array([2**15], type=pa.int16())
    with pytest.raises(pa.ArrowInvalid):
        column_array([2**15], pa.int16())
    with pytest.raises(pa.ArrowInvalid):
        column_array([None, 2**31], pa.int32())


def test_the_columns_are_the_schema() -> None:
    # Every type of the schema is one column_array builds.
    for field in SCHEMA:
        assert column_array([], field.type).type == field.type
    assert tuple(SCHEMA.names) == COLUMNS
