"""The compiled-rule cache (chaoyang_extract.rulebook.cache): a second run reads the
rules from it; it is never stale, and a cache that cannot be used is no error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import regex

from chaoyang_extract.rulebook import cache

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "chaoyang_2017.txt"

# One run of cyx in a fresh interpreter: the rows it extracts and which rule files it
# had to read (a warm cache reads none).
_RUN = """
import json, sys
from pathlib import Path
from chaoyang_extract.rulebook import builder, load_rules
from chaoyang_extract.extract import extract_document
read = []
real = builder.Builder.add_file
def spy(self, path, builtin):
    read.append(Path(path).name)
    real(self, path, builtin)
builder.Builder.add_file = spy
rules = [Path(p) for p in sys.argv[2:]]
rs = load_rules(rules)
res = extract_document(rs, Path(sys.argv[1]).read_text(encoding="utf-8"), "d")
print(json.dumps({"read": read, "rows": [repr(r) for r in res.records]}, ensure_ascii=False))
"""


def _run(cache_dir: Path | str, *rules: Path) -> dict[str, list[str]]:
    env = dict(os.environ, CYX_CACHE_DIR=str(cache_dir))
    out = subprocess.run(
        [sys.executable, "-c", _RUN, str(SAMPLE), *map(str, rules)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, list[str]] = json.loads(out.stdout)
    return result


def test_second_run_reads_no_rule_file_and_gives_the_same_rows(tmp_path: Path) -> None:
    off = _run("off")
    cold = _run(tmp_path)
    warm = _run(tmp_path)
    assert off["read"] and cold["read"] == off["read"]
    assert warm["read"] == []
    assert warm["rows"] == cold["rows"] == off["rows"]
    assert len(off["rows"]) > 20


def test_an_edited_rule_file_is_read_again(tmp_path: Path) -> None:
    rules = tmp_path / "my_rules"
    rules.mkdir()
    rule = rules / "rd.yaml"
    text = (
        "indicators:\n"
        "  - id: rd_spending\n"
        "    zh: 研发经费投入\n"
        "    aliases: [研发经费投入]\n"
        "    measures: [level, growth]\n"
        "    examples:\n"
        "      - text: 研发经费投入增长12.5%\n"
        "        expect: [{indicator: rd_spending, measure: growth, value: 12.5}]\n"
    )
    rule.write_text(text, encoding="utf-8")
    store = tmp_path / "cache"
    assert _run(store, rules)["read"][-1] == "rd.yaml"
    assert _run(store, rules)["read"] == []
    rule.write_text(text.replace("zh: 研发经费投入", "zh: 研发投入"), encoding="utf-8")
    assert _run(store, rules)["read"][-1] == "rd.yaml"  # not the old entry
    assert _run(store)["read"] != []  # without the user's rules: another entry


def test_damaged_or_unwritable_cache_is_no_error(tmp_path: Path) -> None:
    store = tmp_path / "cache"
    want = _run("off")["rows"]
    _run(store)
    for f in store.iterdir():
        f.write_bytes(b"not a pickle")
    damaged = _run(store)
    assert damaged["rows"] == want and damaged["read"]  # rebuilt from the files
    assert _run(store)["read"] == []  # and stored again
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    unwritable = _run(blocker / "cache")  # mkdir under a file fails: no cache, no error
    assert unwritable["rows"] == want and unwritable["read"]


def test_runs_at_the_same_time_share_one_cache(tmp_path: Path) -> None:
    store = tmp_path / "cache"
    env = dict(os.environ, CYX_CACHE_DIR=str(store))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RUN, str(SAMPLE)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    rows = {json.dumps(json.loads(o)["rows"]) for o, _ in outs}
    assert len(rows) == 1
    assert not list(store.glob("*.tmp"))  # every write finished or was cleaned up
    assert _run(store)["read"] == []


def test_stored_patterns_match_as_compiled_ones_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    patterns = [
        (r"(?P<v>\d+(?:\.\d+)?)(?P<u>%|亿元)", 0),
        (r"(?:增长|下降)(?P<v>\d+(?:\.\d+)?)%", 0),
        (r"(?r)亿元|万人", 0),
        ("(?<=[，。])(?:全市|全年)", regex.V0),
    ]
    monkeypatch.setenv("CYX_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "_STORE", None)
    first = [cache.compile(p, f) for p, f in patterns]
    cache.save()
    assert list(tmp_path.glob("patterns-*.pickle"))
    monkeypatch.setattr(cache, "_STORE", None)  # as a new run: from the file
    again = [cache.compile(p, f) for p, f in patterns]
    assert cache._STORE and all((p, f) in cache._STORE for p, f in patterns)
    for (p, f), a, b in zip(patterns, first, again, strict=True):
        plain = regex.compile(p, f)
        want = [m.span() for m in plain.finditer(text)]
        assert want  # the probe text holds matches
        assert [m.span() for m in a.finditer(text)] == want
        assert [m.span() for m in b.finditer(text)] == want
        assert b.groupindex == plain.groupindex and b.flags == plain.flags


def test_cache_folder_can_be_moved_or_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYX_CACHE_DIR", str(tmp_path / "here"))
    assert cache.cache_dir() == tmp_path / "here"
    for off in ("off", "", "0"):
        monkeypatch.setenv("CYX_CACHE_DIR", off)
        assert cache.cache_dir() is None
    monkeypatch.delenv("CYX_CACHE_DIR")
    default = cache.cache_dir()
    assert default is not None and default.name == "cyx"
