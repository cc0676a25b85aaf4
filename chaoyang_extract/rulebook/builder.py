"""The rule-file reader: each file's items in, one RuleSet out."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..errors import RuleError
from .builder_base import _where
from .items_reader import ItemReader
from .model import Alias
from .ruleset import RuleSet
from .schema import CORPUS_FOLDER, CORPUS_KEYS, TOP_KEYS, keys_problems
from .source import line_of, parse_yaml, read_rule_file

__all__ = ["Builder"]


class Builder(ItemReader):
    """Reads rule files in load order and finishes them into a RuleSet."""

    def _read(self, path: Path, hashed_as: str) -> tuple[bool, Any]:
        """(read, data) of a file, its problem recorded when it cannot be read; a file
        read counts among the sources and in the rules' version."""
        try:
            data_bytes, text = read_rule_file(path)
            data = parse_yaml(text, str(path))
        except RuleError as err:
            self.problems.append(err)
            return False, None
        self.sources.append(str(path))
        self.hashed.append((hashed_as, data_bytes))
        return True, data

    def add_file(self, path: Path, builtin: bool) -> None:
        source = str(path)
        read, data = self._read(path, path.name)
        if not read or data is None:
            return
        if not isinstance(data, dict):
            self.problem(
                source, "a rule file is a mapping with 'indicators', 'groups' or 'rules'", 1
            )
            return
        for message, line in keys_problems(data, frozenset(TOP_KEYS), "rule file"):
            self.problem(source, message, line)
        for key in TOP_KEYS:
            items = data.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                self.problem(
                    source, f"'{key}' must be a list (items start with '- ')", line_of(data, key)
                )
                continue
            for raw in items:
                if key == "indicators":
                    self._indicator(raw, source, builtin)
                elif key == "groups":
                    self.groups.append((source, raw, builtin))
                else:
                    self._rule(raw, source, builtin)

    def add_corpus(self, path: Path) -> None:
        """A corpus file: ``examples`` (and a ``note``), each checked as a rule's are."""
        source = str(path)
        read, data = self._read(path, f"{CORPUS_FOLDER}/{path.name}")
        if not read:
            return
        if not isinstance(data, dict):
            self.problem(source, "a corpus file is a mapping with 'examples'", 1)
            return
        for message, line in keys_problems(data, CORPUS_KEYS, "corpus file"):
            self.problem(source, message, line)
        owner = f"corpus {path.stem}"
        if not data.get("examples"):
            self.problem(source, f"{owner}: needs 'examples'", line_of(data))
            return
        examples = self._examples(data["examples"], source, owner, line_of(data, "examples"))
        self.corpus[f"corpus:{path.stem}"] = examples

    def finish(self, lexicon: dict[str, Any]) -> RuleSet:
        aliases = [
            Alias(a, (ind.id,), ind.builtin)
            for ind in self.indicators.values()
            for a in ind.aliases
        ]
        for source, raw, builtin in self.groups:
            group = self._group(raw, source, builtin)
            if group is not None:
                aliases.extend(group.aliases)
        owner_of: dict[str, str] = {}
        for alias, owner, source, line in self.alias_claims:
            if alias in owner_of:
                # Equal aliases tie in the longest-first order; the later one never wins.
                self.problem(
                    source,
                    f"{owner}: alias '{alias}' is already an alias of {owner_of[alias]}",
                    line,
                )
            else:
                owner_of[alias] = f"{owner} ({_where(source, line)})"
        for source, line, rule_id, ident in self.clause_refs:
            if ident not in self.declared:
                self.problem(source, f"rule {rule_id}: unknown indicator '{ident}'", line)
        for source, line, owner, ident in self.expected_ids:
            if ident not in self.declared:
                self.problem(
                    source, f"{owner}: expected record names unknown indicator '{ident}'", line
                )
        clauses = [r for r in self.clauses if r.indicator in self.indicators]
        return RuleSet(
            self.indicators,
            aliases,
            lexicon,
            self.predicates,
            clauses,
            self.sources,
            self._version(),
            self.corpus,
        )

    def _version(self) -> str:
        h = hashlib.sha256()
        for name, data in sorted(self.hashed, key=lambda nd: nd[0]):
            h.update(name.encode())
            h.update(data)
        return h.hexdigest()[:12]
