"""Compiled rules kept across runs, in the user's cache folder.

Loading the rules costs most of a short run: YAML, checking every item, and compiling a
few hundred regular expressions. The ``regex`` module's patterns cannot be pickled, and
compiling one is mostly parsing in Python; what its C core is finally given is plain
data (the pattern's code as integers, its groups, its required string). So:

- ``compile`` keeps, for each (pattern, flags) it compiles, that data; a later run hands
  it straight to the C core. The store is keyed on the regex module's version and
  Python's, and each entry on its pattern text: it cannot be stale.
- ``cached`` keeps whole loaded objects (the rule set, the structure rules) pickled, with
  their patterns written as (pattern, flags) and rebuilt through ``compile``. Each is keyed
  on the bytes of the files it was built from, cyx's version and the rulebook's own code,
  so an edited rule file or an upgrade never meets an old entry.

The cache is an optimisation only: an unwritable or read-only home, a damaged file, a
second cyx writing at the same moment or a regex release whose internals moved all fall
back to building from the files (files are replaced atomically, never written in place).
The folder is the platform's user cache folder (``$XDG_CACHE_HOME/cyx``, else
``~/.cache/cyx``; ``~/Library/Caches/cyx``; ``%LOCALAPPDATA%\\cyx\\Cache``).
``CYX_CACHE_DIR`` moves it; ``CYX_CACHE_DIR=off`` turns the cache off.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import regex

from .. import __version__

__all__ = ["cache_dir", "cached", "compile"]

T = TypeVar("T")

try:  # The C core and the call regex.compile ends in; absent, nothing is stored.
    import regex._main as _regex_main

    _CORE: Any = _regex_main._regex
except (ImportError, AttributeError):  # pragma: no cover - a regex whose internals moved
    _regex_main = None
    _CORE = None

_LOCK = threading.Lock()
_STORE: dict[tuple[str, int], tuple[Any, ...]] | None = None  # loaded on first use
_ADDED = False
_SAVE_REGISTERED = False


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off."""
    env = os.environ.get("CYX_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    # The platforms' user cache folders, written out: importing platformdirs cost a
    # tenth of the start-up this cache is for.
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "cyx" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "cyx"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cyx"


def _store_path() -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(f"{regex.__version__}|{sys.version}".encode()).hexdigest()[:16]
    return folder / f"patterns-{key}.pickle"


def _store() -> dict[tuple[str, int], tuple[Any, ...]]:
    global _STORE
    if _STORE is None:
        _STORE = {}
        path = _store_path()
        if path is not None and _CORE is not None:
            loaded = _read(path)
            if isinstance(loaded, dict):
                _STORE = loaded
    return _STORE


def compile(pattern: str, flags: int = 0) -> regex.Pattern[str]:  # noqa: A001
    """``regex.compile(pattern, flags)``, from the stored compiled form when there is one."""
    store = _store()
    args = store.get((pattern, flags))
    if args is not None:
        try:
            found: regex.Pattern[str] = _CORE.compile(*args)
            return found
        except Exception:  # noqa: BLE001 - a damaged entry: compile it afresh
            pass
    compiled, args = _compile_capturing(pattern, flags)
    if args is not None:
        _remember(store, (pattern, flags), (pattern, compiled.flags), args)
    return compiled


def _compile_capturing(pattern: str, flags: int) -> tuple[regex.Pattern[str], Any]:
    """Compile, and catch what regex hands its C core (None if it handed nothing: a
    pattern already in regex's own cache, or no core to watch)."""
    if _CORE is None or _regex_main is None:
        return regex.compile(pattern, flags), None
    seen: list[tuple[Any, ...]] = []

    class _Watch:
        def __getattr__(self, name: str) -> Any:
            return getattr(_CORE, name)

        def compile(self, *args: Any) -> Any:  # noqa: A003
            seen.append(args)
            return _CORE.compile(*args)

    with _LOCK:
        _regex_main._regex = _Watch()
        try:
            # Not from regex's own cache, which would hand the core nothing to watch.
            compiled = regex.compile(pattern, flags, cache_pattern=False)
        finally:
            _regex_main._regex = _CORE
    return compiled, (seen[-1] if seen else None)


def _remember(store: dict[tuple[str, int], tuple[Any, ...]], *keys_and_args: Any) -> None:
    global _ADDED, _SAVE_REGISTERED
    *keys, args = keys_and_args
    for key in keys:
        store[key] = args
    _ADDED = True
    if not _SAVE_REGISTERED:
        _SAVE_REGISTERED = True
        atexit.register(save)


def save() -> None:
    """Write the patterns compiled in this run beside those read (nothing if none)."""
    global _ADDED
    path = _store_path()
    if not _ADDED or path is None or _STORE is None:
        return
    _ADDED = False
    _write(path, _STORE)


# --------------------------------------------------------------------------- objects


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, regex.Pattern):
            store = _store()
            if (obj.pattern, obj.flags) not in store:
                # Compiled before the cache saw it: store it now, for the next run.
                _, args = _compile_capturing(obj.pattern, obj.flags)
                if args is not None:
                    _remember(store, (obj.pattern, obj.flags), args)
            return compile, (obj.pattern, obj.flags)
        return NotImplemented


def _source_stamp() -> bytes:
    """cyx's own code (every module: the structure and normalize rules are built by their
    packages): an entry built by other code is another entry."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.parent.rglob("*.py")):
        h.update(path.read_bytes())
    return h.digest()


_CODE_STAMP: bytes | None = None


def cached(kind: str, files: Iterable[Path | bytes], build: Callable[[], T | None]) -> T | None:
    """``build()``, or what it gave before for the same ``files`` (paths, or bytes
    standing for what else the result depends on). A None result is not kept."""
    global _CODE_STAMP
    folder = cache_dir()
    if folder is None:
        return build()
    if _CODE_STAMP is None:
        _CODE_STAMP = _source_stamp()
    h = hashlib.sha256(_CODE_STAMP + kind.encode())
    try:
        for f in files:
            data = f if isinstance(f, bytes) else f.read_bytes()
            h.update(len(data).to_bytes(8, "little") + data)
    except OSError:
        return build()
    path = folder / f"{kind}-{h.hexdigest()[:24]}.pickle"
    found = _read(path)
    if found is not None:
        return found  # type: ignore[no-any-return]
    result = build()
    if result is not None:
        buf = io.BytesIO()
        try:
            _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(result)
        except Exception:  # noqa: BLE001 - not picklable: just not cached
            return result
        _write_bytes(path, buf.getvalue())
        save()  # the patterns it holds, so that the next run can rebuild it at once
    return result


# --------------------------------------------------------------------------- files


def _read(path: Path) -> Any:
    # Only cyx writes this folder, which is the user's own: unpickling it trusts no more
    # than the user's installed code does.
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - damaged, half-written by an old crash, unreadable
        return None


def _write(path: Path, obj: Any) -> None:
    try:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001
        return
    _write_bytes(path, data)


def _write_bytes(path: Path, data: bytes) -> None:
    """Atomically: a reader sees the old file or the new one, never half of one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only or full disk: run without the cache
