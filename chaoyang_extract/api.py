"""The Python API: report text or files in, the records table as a pandas DataFrame out.

    >>> from chaoyang_extract import extract_paths, extract_text
    >>> df = extract_text("2017年主要预期目标：地区生产总值增长6.5%左右。", year=2017)
    >>> df[["indicator", "kind", "measure", "bound"]].iloc[0].tolist(), float(df["value"][0])
    (['gdp', 'target', 'growth', 'approx'], 6.5)

The columns and dtypes are those of docs/OUTPUT.md (nullable pandas dtypes for the Arrow
types: ``string``, ``Int16``, ``Int32``, ``float64``, ``boolean``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import pandas as pd

from .batch import run_batch
from .errors import InputError
from .extract import extract_document
from .rulebook import RuleSet, load_rules
from .sources import STDIN, collect
from .table import to_frame
from .workers import Options, default_jobs

PathLike = str | Path

# Half of a UTF-16 pair alone (what errors="surrogateescape" leaves for a bad byte): no
# character, and no output format can hold it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _rules(rules: Iterable[PathLike]) -> RuleSet:
    return load_rules([Path(r) for r in rules])


def extract_text(
    text: str,
    doc: str = "-",
    *,
    year: int | None = None,
    region: str | None = None,
    rules: Iterable[PathLike] = (),
) -> pd.DataFrame:
    """The figures of one report's text; ``doc`` fills the ``doc`` column.

    ``year`` and ``region`` override what the text says, as ``--year``/``--region`` do;
    ``rules`` adds rule folders or files to the built-in ones (RuleError if one is bad).
    Text that is not valid Unicode (a lone surrogate) raises InputError naming ``doc``.
    """
    try:
        res = extract_document(_rules(rules), text, doc, year=year, region=region)
    except UnicodeError:
        # OpenCC cannot encode a lone surrogate: looked for only then, not in every text.
        bad = _SURROGATE.search(text)
        if bad is None:
            raise
        raise InputError(
            doc,
            f"text holds a lone surrogate (U+{ord(bad.group()):04X}) at offset {bad.start()}, "
            "which is not a character; decode the report with errors='replace'",
        ) from None
    return to_frame(res.records)


def extract_paths(
    paths: PathLike | Iterable[PathLike],
    *,
    year: int | None = None,
    region: str | None = None,
    rules: Iterable[PathLike] = (),
    jobs: int | None = 1,
    errors: Literal["raise", "warn"] = "raise",
    restated_targets: bool = False,
) -> pd.DataFrame:
    """The figures of report files (text, HTML, PDF, Word), folders (every report file
    below) or glob patterns, as one table in input order, like ``cyx extract``.

    ``jobs`` spreads the documents over processes (None: the CPU count); the table does
    not depend on it. A path that cannot be read raises InputError after the others are
    extracted, or with ``errors="warn"`` becomes a warning and gives no rows.
    ``restated_targets`` adds the earlier years' targets reports restate (for ``scorecard``).
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    labels = [str(p) for p in items]
    if STDIN in labels:
        raise ValueError("extract_paths reads files; pass stdin's text to extract_text")
    rs = _rules(rules)
    sources, failures = collect(labels)
    opts = Options(tuple(str(r) for r in rules), year, region, restated_targets=restated_targets)
    run = run_batch(rs, sources, failures, opts, jobs=jobs or default_jobs())
    for f in run.failures:
        if errors == "raise":
            raise InputError(f.path, f.reason)
        warnings.warn(f"{f.path}: {f.reason}", stacklevel=2)
    return to_frame(run.records)
