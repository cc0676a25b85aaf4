"""Reading rule files: YAML whose mappings know their lines, errors as FILE:LINE.

Every rule file (rule files proper and the lexicon, structure, normalize and units files)
is read here; no other module parses YAML.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import RuleError

__all__ = ["LineMap", "line_of", "load_yaml", "parse_yaml", "read_rule_file"]


class LineMap(dict[Any, Any]):
    """A YAML mapping that knows its own line and its keys' lines (1-based)."""

    def __init__(self, line: int = 1) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        # Keys written twice: YAML keeps the last value silently, which hides a typo.
        self.repeated: list[tuple[Any, int]] = []


@functools.cache
def _loader() -> Any:
    """``yaml.safe_load``'s loader, recording where each mapping and key stands. (PyYAML
    is imported here: a run whose rules come from the cache reads no YAML at all.)"""
    import yaml

    # libyaml's parser where the wheel has it: about nine times faster than the
    # pure-Python one, with the same nodes and marks.
    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
        pass

    def construct_map(loader: Any, node: Any) -> Iterator[LineMap]:
        data = LineMap(node.start_mark.line + 1)
        yield data
        data.update(loader.construct_mapping(node))
        for key_node, _value in node.value:
            # Already built by construct_mapping (the loader caches by node).
            key = loader.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in data.key_lines:
                data.repeated.append((key, line))
            data.key_lines[key] = line

    Loader.add_constructor("tag:yaml.org,2002:map", construct_map)
    return Loader


def line_of(node: Any, key: str | None = None) -> int:
    """Line of a loaded mapping, or of one of its keys; 1 when unknown."""
    if isinstance(node, LineMap):
        return node.key_lines.get(key, node.line) if key is not None else node.line
    return 1


def parse_yaml(text: str, source: str) -> Any:
    """YAML text -> data (mappings carry their lines); RuleError(FILE, ..., LINE) on syntax."""
    import yaml

    try:
        # The loader derives from SafeLoader: plain data only, never arbitrary objects.
        return yaml.load(text, Loader=_loader())  # noqa: S506
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        # A problem found at the end of the stream is reported one line past the last.
        last = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        line = min(mark.line + 1, last) if mark is not None else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        context = getattr(err, "context", None)
        context_mark = getattr(err, "context_mark", None)
        if context and context_mark is not None and context_mark.line + 1 != line:
            problem += f" ({context} at line {context_mark.line + 1})"
        raise RuleError(source, f"YAML syntax error: {problem}", line) from None
    except RecursionError:
        raise RuleError(source, "YAML nests too deeply", None) from None


def read_rule_file(path: Path) -> tuple[bytes, str]:
    """The file's bytes and its text (UTF-8, a BOM allowed); RuleError if unreadable."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise RuleError(source, f"cannot read rule file: {err.strerror or err}") from None
    try:
        return data, data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise RuleError(source, "rule file is not UTF-8", line) from None


def load_yaml(path: Path) -> Any:
    return parse_yaml(read_rule_file(path)[1], str(path))
