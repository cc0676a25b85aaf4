"""Loading the rules: the built-in folder and the user's files, in load order, read,
checked and compiled once per process (and, across runs, through the cache)."""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Sequence
from pathlib import Path

import regex

from ..errors import RuleError
from ..resources import rules_dir
from . import cache
from .ruleset import RuleSet, compile_ruleset, lexicon_placeholders
from .schema import CORPUS_FOLDER, SPECIAL_FILES
from .special import read_special

__all__ = ["check_rules", "collect_rules", "load_rules"]


def load_rules(extra_dirs: Sequence[Path] = ()) -> RuleSet:
    """The built-in rules plus any user folders or files; raises the first RuleError."""
    extra = tuple(str(p) for p in extra_dirs)
    return _load(extra, _stamp(extra))


def _stamp(extra: Sequence[str]) -> tuple[tuple[str, int, int], ...]:
    # Part of the cache key, so that a rule file edited within one process (a test, a
    # notebook) is read again rather than served stale. Taken on every load_rules call,
    # so one directory scan gives names and stats together.
    stamps: list[tuple[str, int, int]] = []
    for root in (str(rules_dir()), *extra):
        stamps += _stamps_under(root)
    return tuple(stamps)


def _stamps_under(root: str) -> list[tuple[str, int, int]]:
    """(path, mtime, size) of each rule file ``_listing`` finds under ``root``: a key, not
    a listing, so paths stay plain strings (building Paths cost most of the time)."""
    try:
        st = os.stat(root)
    except OSError:
        return []
    if not stat.S_ISDIR(st.st_mode):
        return [(root, st.st_mtime_ns, st.st_size)] if stat.S_ISREG(st.st_mode) else []
    found: list[tuple[str, int, int]] = []
    for path in _files_under(root):
        try:
            fst = os.stat(path)
        except OSError:
            continue
        found.append((path, fst.st_mtime_ns, fst.st_size))
    return found


# Each folder's rule files and subfolders, as of its modification time: a folder's mtime
# changes when an entry is added, removed or renamed, so it is listed again only then
# (its files are still looked at on every call, for edits in place).
_LISTED: dict[str, tuple[int, list[str], list[str]]] = {}


def _files_under(root: str) -> list[str]:
    files: list[str] = []
    todo = [root]
    while todo:
        folder = todo.pop()
        try:
            mtime = os.stat(folder).st_mtime_ns
        except OSError:
            continue
        known = _LISTED.get(folder)
        if known is None or known[0] != mtime:
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            subs = sorted(e.path for e in entries if e.is_dir())
            names = sorted(
                e.path for e in entries if e.name.endswith((".yaml", ".yml")) and e.is_file()
            )
            known = _LISTED[folder] = (mtime, subs, names)
        files += known[2]
        todo += known[1]
    files.sort()
    return files


@functools.lru_cache(maxsize=8)
def _load(extra: tuple[str, ...], _key: tuple[tuple[str, int, int], ...]) -> RuleSet:
    dirs = [Path(e) for e in extra]

    def build() -> RuleSet:
        rs, problems = collect_rules(dirs)
        if problems:
            raise problems[0]
        assert rs is not None
        return rs

    builtin = rules_dir()
    listed: list[RuleError] = []
    files = _rule_files(builtin, dirs, listed)
    if listed:
        return build()  # raises what is wrong with the folders given
    # The files the rule set is built from, and where each comes from (paths are in its
    # messages and rows): the cache's key.
    inputs: list[Path | bytes] = [builtin / "lexicon.yaml", builtin / "units.yaml"]
    for path, is_builtin in files:
        inputs += [f"{path}|{is_builtin}".encode(), path]
    found = cache.cached("rules", inputs, build)
    assert found is not None
    return found


def collect_rules(extra_dirs: Sequence[Path] = ()) -> tuple[RuleSet | None, list[RuleError]]:
    """Load the built-in rules plus ``extra_dirs`` and collect every problem.

    Returns the rule set (None when nothing usable loaded; with problems, it lacks the
    faulty items) and the problems in file order, then line order.
    """
    problems: list[RuleError] = []
    builtin = rules_dir()
    try:
        lexicon = read_special(builtin / "lexicon.yaml")
        units = read_special(builtin / "units.yaml")
        ph = lexicon_placeholders(lexicon, units)
    except RuleError as err:
        return None, [err]
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        return None, [RuleError(str(builtin / "lexicon.yaml"), f"lexicon does not load: {err!r}")]

    # Imported here: a run whose rules come from the cache never reads a rule file.
    from .builder import Builder

    builder = Builder(ph, problems)
    files = _rule_files(builtin, extra_dirs, problems)
    for path, is_builtin in files:
        if _in_corpus(path):
            builder.add_corpus(path)
        else:
            builder.add_file(path, is_builtin)
    built = builder.finish(lexicon)
    rs: RuleSet | None = built
    try:
        compile_ruleset(built, ph)
    except (regex.error, KeyError, TypeError, ValueError) as err:
        problems.append(RuleError(str(builtin / "lexicon.yaml"), f"patterns do not compile: {err}"))
        rs = None
    order = {str(p): i for i, (p, _) in enumerate(files)}
    problems.sort(key=lambda e: (order.get(e.path, -1), e.line or 0))
    return rs, problems


def check_rules(extra_dirs: Sequence[Path] = (), *, probe: bool = True) -> list[RuleError]:
    """Every problem of the built-in rules plus ``extra_dirs``: schema, ids, examples'
    form and, with ``probe``, patterns that backtrack catastrophically."""
    from .probe import probe_patterns

    rs, problems = collect_rules(extra_dirs)
    if rs is not None and probe:
        problems.extend(probe_patterns(rs))
    return problems


def _listing(d: Path) -> list[Path]:
    if d.is_file():
        return [d]
    if not d.is_dir():
        return []
    yaml_files: list[Path] = []
    yml_files: list[Path] = []
    # os.walk, not Path.rglob: this runs on every load_rules call (the cache key), and
    # rglob's pure-Python globbing cost more than the API's own work on a short text.
    for root, dirs, names in os.walk(d, followlinks=True):
        dirs.sort()
        for name in names:
            path = Path(root, name)
            if name.endswith(".yaml") and path.is_file():
                yaml_files.append(path)
            elif name.endswith(".yml") and path.is_file():
                yml_files.append(path)
    return sorted(yaml_files) + sorted(yml_files)


def _in_corpus(path: Path) -> bool:
    # A rules folder's corpus/ holds examples, not rules.
    return path.parent.name == CORPUS_FOLDER


def _rule_files(
    builtin: Path, extra: Sequence[Path], problems: list[RuleError]
) -> list[tuple[Path, bool]]:
    """(file, is built-in) in load order; a file named twice (or the built-in folder
    given as a user folder) is read once."""
    files: list[tuple[Path, bool]] = []
    seen: set[Path] = set()
    for p in _listing(builtin):
        seen.add(p.resolve())
        if p.name not in SPECIAL_FILES:
            files.append((p, True))
    for d in extra:
        found = _listing(d)
        if not d.exists():
            problems.append(RuleError(str(d), "no such rules file or folder"))
        elif not found:
            problems.append(RuleError(str(d), "folder holds no *.yaml rule files"))
        for p in found:
            if p.resolve() not in seen:
                seen.add(p.resolve())
                files.append((p, False))
    return files
