"""Clean text for matching, with a map from every clean character back to the input.

Rules match simplified characters, ASCII digits, Chinese punctuation and whole sentences;
the output table quotes the input as it was.  ``normalize`` therefore builds a new string
and, for each of its characters, the offset of the input character it came from.

Three passes, each cheap on a long report:

1. one-for-one character changes (full-width forms, punctuation, traditional to
   simplified), which leave every offset where it was, made block by block;
2. one regular-expression pass for edits that delete or replace runs (line ends,
   spaces, romanised readings, junk tokens, ";;" quotes, thousands separators, dashes);
3. a line pass that joins hard-wrapped lines and drops blank ones.
"""

from __future__ import annotations

import bisect
import functools
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from chaoyang_extract.errors import RuleError
from chaoyang_extract.resources import rules_dir

if TYPE_CHECKING:
    import opencc

__all__ = ["Normalized", "normalize"]


@dataclass(frozen=True)
class Normalized:
    """Clean text plus, for each of its characters, the input offset it came from."""

    text: str
    # len(text) + 1 entries; the last one is len(original), so spans ending at the end of
    # the text need no special case.
    origin: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The input (start, end) that covers clean ``text[start:end]``."""
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span {start}:{end} outside text of length {len(self.text)}")
        if start == end:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


# --- character classes that are Unicode facts rather than Chinese-language knowledge ---

# Spaces of every width, including the ideographic space used to indent paragraphs.
_HSPACE = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Characters with no visible form that web pages leave in copied text.
_INVISIBLE = "\u00ad\u200b-\u200d\u2060\ufeff"
# Line separators other than CR/LF that some editors and web pages emit.
_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

_HSPACE_RUN = re.compile(f"[{_HSPACE}]")
_HSPACE_SET = frozenset(" \t\u00a0\u1680\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
_INVISIBLE_SET = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_MIXED_TOKEN = re.compile(r"(?=.*[A-Za-z])(?=.*\d)")


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


# Single-character tests are plain comparisons: a regex class spanning the CJK blocks
# costs milliseconds to compile at import, which `cyx --help` would pay too.


def _is_han(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
    )


def _hosts_reading(ch: str) -> bool:
    """Whether a romanised reading may follow ``ch``: a Han character, or the bopomofo and
    box-drawing characters that mojibake in the same copies turns some of them into."""
    code = ord(ch)
    return _is_han(code) or 0x3100 <= code <= 0x312F or 0x2500 <= code <= 0x257F


def _hosts_junk(ch: str) -> bool:
    """Whether a junk token ("Sw7") may follow ``ch``: the end of Chinese text or a line."""
    code = ord(ch)
    return (
        _is_han(code)
        or 0x2010 <= code <= 0x2027
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or ch in "%\r\n"
    )


# --- rules loaded from rules/normalize.yaml -------------------------------------------


@dataclass(frozen=True)
class _Rules:
    table: dict[int, str]
    mapped: re.Pattern[str]
    sentence_final: str
    closing_marks: str
    clause_final: str
    continuation_end: str
    continuation_min_chars: int
    fragment_max_chars: int
    dangling_end: str
    body_mark: re.Pattern[str]
    no_line_start: str
    range_dashes: str
    range_dash: str
    paragraph_start: re.Pattern[str]
    keep_tokens: frozenset[str]
    edits: re.Pattern[str]
    token: re.Pattern[str]
    decimal_stop: re.Pattern[str]


_RULES: _Rules | None = None
_CONVERTER: opencc.OpenCC | None = None


def _rules() -> _Rules:
    global _RULES
    if _RULES is None:
        _RULES = _load_rules(rules_dir() / "normalize.yaml")
    return _RULES


def _converter() -> opencc.OpenCC:
    global _CONVERTER
    if _CONVERTER is None:
        import opencc  # a C++ extension with dictionaries: load it once, and only if used

        _CONVERTER = opencc.OpenCC("t2s")
    return _CONVERTER


def _load_rules(path: Path) -> _Rules:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise RuleError(str(path), f"not valid YAML: {exc}", line) from exc
    if not isinstance(raw, dict):
        raise RuleError(str(path), "expected a mapping at the top level")

    def chars(key: str) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value:
            raise RuleError(str(path), f"{key}: expected a non-empty string of characters")
        return value

    def pattern(key: str, text: str) -> str:
        try:
            re.compile(text)
        except re.error as exc:
            raise RuleError(str(path), f"{key}: bad pattern {text!r}: {exc}") from exc
        return text

    starts = raw.get("paragraph_starts")
    if not isinstance(starts, list) or not all(isinstance(p, str) for p in starts):
        raise RuleError(str(path), "paragraph_starts: expected a list of patterns")
    char_map = raw.get("char_map") or {}
    if not isinstance(char_map, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and len(k) == 1 and len(v) == 1
        for k, v in char_map.items()
    ):
        raise RuleError(str(path), "char_map: expected single characters mapped to single ones")
    keep = raw.get("keep_tokens") or []
    if not isinstance(keep, list):
        raise RuleError(str(path), "keep_tokens: expected a list")

    def count(key: str) -> int:
        value = raw.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise RuleError(str(path), f"{key}: expected a positive integer")
        return value

    reading = pattern("reading", chars("reading"))
    range_dashes = chars("range_dashes")
    paragraph = "|".join(
        f"(?:{pattern(f'paragraph_starts[{i}]', p)})" for i, p in enumerate(starts)
    )
    dashes = re.escape(range_dashes)
    # Every edit starts at one of these characters.  Starting the pattern with a plain
    # character class lets the regex engine skip everything else at C speed; the kind
    # of edit is then told by the first character.
    # A 。 is a candidate only before a digit: most are full stops, and a Python-level
    # look at each one cost more than the rest of normalising.
    edits = re.compile(
        "(?:。(?=[0-9])|"
        rf"[\r{_INVISIBLE}&（;,{_HSPACE}{dashes}]"
        "(?:"
        r"(?<=\r)\n"
        f"|(?<=[{_INVISIBLE}])[{_INVISIBLE}]+"
        r"|(?<=&)(?:[A-Za-z]{2,8}|#[0-9]{2,7}|#[xX][0-9A-Fa-f]{2,6});"
        f"|(?<=（)(?:{reading})）"
        r"|(?<=;);(?!;)(?<!;;;)"
        f"|(?<=[{_HSPACE}])[{_HSPACE}]+"
        f"|(?<=[{dashes}])[{dashes}](?=[0-9])"
        ")?)"
    )
    # The last character of a token at a line end (or before a space and Chinese text);
    # the token itself is read backwards from there, which is much cheaper than
    # matching every run of digits in the text.
    token = re.compile(rf"[A-Za-z0-9](?=[{_HSPACE}]*(?:\r|\n|\Z)|[{_HSPACE}]+[^\x00-\x7f])")
    table = _char_table(char_map)
    mapped = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(table)) + "]+")
    return _Rules(
        table=table,
        mapped=mapped,
        sentence_final=chars("sentence_final"),
        closing_marks=chars("closing_marks"),
        clause_final=chars("clause_final"),
        continuation_end=chars("continuation_end"),
        continuation_min_chars=count("continuation_min_chars"),
        fragment_max_chars=count("fragment_max_chars"),
        dangling_end=chars("dangling_end"),
        body_mark=re.compile(f"[{re.escape(chars('body_marks'))}]"),
        no_line_start=chars("no_line_start"),
        range_dashes=range_dashes,
        range_dash=chars("range_dash"),
        paragraph_start=re.compile(paragraph),
        keep_tokens=frozenset(str(t) for t in keep),
        edits=edits,
        token=token,
        decimal_stop=re.compile(pattern("decimal_stop", str(raw.get("decimal_stop") or "(?!)"))),
    )


def _char_table(extra: dict[str, str]) -> dict[int, str]:
    table: dict[int, str] = {}
    # Full-width ASCII variants (U+FF01-FF5E) to ASCII...
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    # ...except the forms that are the standard Chinese punctuation, which stay, and
    # whose ASCII twins become them, so that rules need to know only one comma.
    # ASCII ',' and ';' are left to the edit pass: "1,234" and ";;" need context.
    for chinese in "，；：（）！？":
        del table[ord(chinese)]
    for ascii_char, chinese in zip(":()!?", "：（）！？", strict=True):
        table[ord(ascii_char)] = chinese
    for ch in _LINE_BREAKS:
        table[ord(ch)] = "\n"
    for src, dst in extra.items():
        table[ord(src)] = dst
    return table


# --- pass 1: one-for-one changes ------------------------------------------------------

# Pass 1 runs over blocks of about this many characters, each ending at a line break.
# OpenCC copies its whole input to UTF-8 and keeps a segment list for it: on a 50 MB
# report, converting the text in one piece costs more memory than the text itself.
_BLOCK = 1 << 20


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive blocks of ``text``, each but the last ending with "\n".

    Cutting only at "\n" keeps the result that of one whole-text pass: no OpenCC phrase
    and no character mapping spans a line break, and ``_to_simplified`` judges lines
    split at "\n", so no line is ever judged in two parts.
    """
    size = len(text)
    start = 0
    while start < size:
        cut = text.find("\n", start + _BLOCK)
        end = size if cut < 0 else cut + 1
        yield start, end
        start = end


def _one_for_one(original: str, rules: _Rules) -> str:
    """Pass 1 over ``original``, block by block; ``original`` itself when nothing changes."""
    simple_blocks: list[str | None] = []  # None: the block is unchanged
    per_line = True
    for start, end in _blocks(original):
        block = original[start:end]
        mapped = rules.mapped.sub(lambda m: m.group().translate(rules.table), block)
        simple = _to_simplified(mapped)
        if simple is None:
            # A block whose line count changed: the whole text falls back to one
            # character at a time, as a single pass over it would have done.
            per_line = False
            break
        simple_blocks.append(None if simple == block else simple)
    if not per_line:
        mapped_text = rules.mapped.sub(lambda m: m.group().translate(rules.table), original)
        return "\n".join(_per_char(line) for line in mapped_text.split("\n"))
    if all(block is None for block in simple_blocks):
        return original
    return "".join(
        original[start:end] if simple is None else simple
        for (start, end), simple in zip(_blocks(original), simple_blocks, strict=True)
    )


def _to_simplified(text: str) -> str | None:
    """OpenCC t2s, kept one-for-one so that offsets still line up; None if OpenCC changed
    the number of lines (the caller then converts the whole text character by character).

    OpenCC works on phrases, and a phrase may in principle change length; a line whose
    length changes is converted character by character instead, and a character whose
    own conversion is not one character is kept as it was.
    """
    converter = _converter()
    converted: str = converter.convert(text)
    if converted == text:
        return text
    src_lines = text.split("\n")
    dst_lines = converted.split("\n")
    if len(src_lines) != len(dst_lines):
        return None
    if all(len(s) == len(d) for s, d in zip(src_lines, dst_lines, strict=True)):
        return converted
    pairs = zip(src_lines, dst_lines, strict=True)
    return "\n".join(d if len(s) == len(d) else _per_char(s) for s, d in pairs)


def _per_char(line: str) -> str:
    converter = _converter()
    out = []
    for ch in line:
        simple: str = converter.convert(ch)
        out.append(simple if len(simple) == 1 else ch)
    return "".join(out)


# --- pass 2: edits that delete or replace runs ------------------------------------------


def _apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with every (start, end) run of ``edits`` replaced."""
    if not edits:
        return text
    pieces: list[str] = []
    pos = 0
    for start, end, replacement in edits:
        if start > pos:
            pieces.append(text[pos:start])
        if replacement:
            pieces.append(replacement)
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _edited_origin(edits: list[tuple[int, int, str]], length: int) -> array[int]:
    """The origin map of the edited text (``length`` characters), built in place once.

    Between edits the map counts up by one; each replacement character maps to the start
    of the run it replaces.  So the map is the running sum of its steps, which are 1 but
    at the few places an edit moves it: numpy works those out for all edits at once, and
    sums the steps in place, in the array that is returned, so the map is never copied
    and no Python int is made per entry.
    """
    origin = array("i", [0]) * length
    if not length:
        return origin
    # Deferred: numpy costs about 0.1 s to import, and `cyx --help` never gets here.
    import numpy as np

    steps = np.frombuffer(origin, dtype=np.intc)  # a view: writes go to `origin`
    steps.fill(1)
    steps[0] = 0
    if edits:
        starts, ends, replacements = zip(*edits, strict=True)
        start = np.array(starts, dtype=np.intp)
        end = np.array(ends, dtype=np.intp)
        size = np.fromiter(map(len, replacements), dtype=np.intp, count=len(edits))
        # The character after each run maps to its `end`, not one past the character
        # before it; where two edits touch, np.add.at adds both changes.
        after = end - np.cumsum(end - start - size)  # where that character lands
        change = end - start - (size > 0)
        moved = (after < length) & (change != 0)
        np.add.at(steps, after[moved], change[moved].astype(np.intc))
        # Every character of a replacement maps to its `start`: steps of 0 after the
        # first (a rare case: entities that stand for two characters).
        for i in np.flatnonzero(size > 1).tolist():
            steps[after[i] - size[i] + 1 : after[i]] -= 1
    np.cumsum(steps, dtype=np.intc, out=steps)
    del steps  # release the view, so that the array may be resized later
    return origin


def _edit_list(text: str, rules: _Rules) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for every run to change, in text order."""
    edits: list[tuple[int, int, str]] = []
    quotes = 0
    size = len(text)
    for match in rules.edits.finditer(text):
        start, end = match.span()
        first = text[start]
        replacement: str | None
        if first in _HSPACE_SET:
            # The most common edit (paragraph indents): _is_ascii_alnum inlined, and the
            # character after looked at only when the one before qualifies.
            before = text[start - 1] if start else ""
            keep = before.isascii() and before.isalnum()
            if keep:
                after = text[end] if end < size else ""
                keep = after.isascii() and after.isalnum()
            replacement = " " if keep else ""
        elif first == "\r":
            replacement = "\n"
        elif first == "（":
            # A bare bracket is fine; a bracketed reading after a character goes.
            host = text[start - 1] if start else ""
            is_reading = end - start > 1 and bool(host) and _hosts_reading(host)
            replacement = "" if is_reading else None
        elif first == ",":
            replacement = "" if _thousands_comma(text, start) else "，"
        elif first == "。":
            # Some copies write the decimal point as 。 ("增长11。8%", "698。03亿元").
            is_point = _decimal_stop(text, start, end, rules)
            replacement = "." if is_point else None
        elif first == ";":
            if end - start == 2:
                # ";;" is what some copies made of both “ and ”: alternate, from “.
                replacement = "“" if quotes % 2 == 0 else "”"
                quotes += 1
            else:
                replacement = "；"
        elif first == "&":
            replacement = _entity(match.group(), rules) if end - start > 1 else None
        elif first in _INVISIBLE_SET:
            replacement = ""
        else:  # a dash: "—" between two numbers (4.5%-5%, 2016～2020)
            before = text[start - 1] if start else ""
            after = text[end] if end < size else ""
            is_range = (before == "%" or "0" <= before <= "9") and (
                end - start == 2 or "0" <= after <= "9"
            )
            replacement = rules.range_dash if is_range else None
        if replacement is not None:
            edits.append((start, end, replacement))
    junk = _junk_tokens(text, rules)
    if junk:
        # Tokens are letters and digits, which no other edit touches, so the two lists
        # never overlap and a sort merges them.
        edits.extend((start, end, "") for start, end in junk)
        edits.sort()
    return edits


def _decimal_stop(text: str, at: int, end: int, rules: _Rules) -> bool:
    """Whether the 。 at text[at] stands for a decimal point (11。8%, not 2.27:1。15个)."""
    left = at
    while left > 0 and "0" <= text[left - 1] <= "9":
        left -= 1
    if left == at or at - left > 6:
        return False
    # A number that is the end of a ratio or a score (2.27:1, 3/4) closes its sentence.
    if left > 0 and text[left - 1] in ".:：/∶":
        return False
    return rules.decimal_stop.match(text, end) is not None


def _thousands_comma(text: str, at: int) -> bool:
    """Whether text[at] == "," groups thousands, as in 1,234,567 (not 3.7,200 or 2016,2017)."""
    start = at
    while start > 0 and at - start < 4 and "0" <= text[start - 1] <= "9":
        start -= 1
    group = at - start
    if group == 0 or group > 3 or (start > 0 and text[start - 1] == "."):
        return False
    after = text[at + 1 : at + 5]
    return (
        len(after) >= 3
        and after[:3].isdigit()
        and after[:3].isascii()
        and not (len(after) == 4 and "0" <= after[3] <= "9")
    )


def _entity(entity: str, rules: _Rules) -> str | None:
    import html  # its table of entities is large and rarely needed

    value = html.unescape(entity)
    if value == entity:
        return None
    if value.isspace():
        return ""
    return value.translate(rules.table)


def _junk_tokens(text: str, rules: _Rules) -> list[tuple[int, int]]:
    """Spans of watermark tokens such as "Sw7" to remove.

    A token that mixes letters and digits and ends a line of Chinese text is junk when it
    has a lower-case letter (real ones like 5G, G20 are upper case) or when the document
    repeats it at line ends, as watermarks are; the keep list protects real words.
    """
    found: list[tuple[int, int, str]] = []
    for match in rules.token.finditer(text):
        end = match.end()
        start = end - 1
        while start > 0 and end - start <= 5 and _is_ascii_alnum(text[start - 1]):
            start -= 1
        word = text[start:end]
        host = text[start - 1] if start else "\n"
        if (
            2 <= len(word) <= 5
            and _hosts_junk(host)
            and _MIXED_TOKEN.match(word)
            and word not in rules.keep_tokens
        ):
            found.append((start, end, word))
    if not found:
        return []
    counts = Counter(word for _, _, word in found)
    return [
        (start, end)
        for start, end, word in found
        if counts[word] > 1 or not (word.isupper() or word.isdigit())
    ]


# --- pass 3: joining hard-wrapped lines -------------------------------------------------


def _width(line: str) -> int:
    # Hard-wrapped copies were cut at a fixed number of GBK bytes (two per Han character,
    # one per ASCII character), which is exactly the GB18030 length for these texts...
    return len(line.encode("gb18030", "replace"))


# ...or at a fixed number of characters; whichever measure lines up better is used.
_MEASURES: tuple[Callable[[str], int], ...] = (_width, len)


def _tolerance(width: int) -> int:
    return max(4, width // 12)


def _ends_sentence(line: str, rules: _Rules) -> bool:
    last = line[-1]
    if last in rules.sentence_final:
        return True
    return last in rules.closing_marks and len(line) > 1 and line[-2] in rules.sentence_final


@dataclass(frozen=True)
class _Wrap:
    """How a hard-wrapped document was cut: lines measuring ``low..high`` are full."""

    measure: Callable[[str], int]
    low: int
    high: int

    def full(self, line: str) -> bool:
        return self.low <= self.measure(line) <= self.high


def _wrap_width(lines: list[str], rules: _Rules) -> _Wrap | None:
    """The width a hard-wrapped document was cut at, or None if it was not.

    Wrapped lines pile up just under one width and almost nothing is longer; a document
    with one paragraph per line has lines of every length, most far longer than any
    cluster of headings.
    """
    open_lines = [line for line in lines if len(line) >= 15 and not _ends_sentence(line, rules)]
    if len(open_lines) < 3:
        return None
    found: _Wrap | None = None
    found_count = 0
    for measure in _MEASURES:
        minimum = 30 if measure is _width else 15
        widths = sorted(w for w in map(measure, open_lines) if w >= minimum)
        best, best_count = 0, 0
        for width in sorted(set(widths)):
            low = bisect.bisect_left(widths, width - _tolerance(width))
            high = bisect.bisect_right(widths, width)
            if high - low >= best_count:
                best, best_count = width, high - low
        if best_count < 3 or best_count <= found_count:
            continue
        limit = best + _tolerance(best)
        # A width is at least the length and, but for rare characters, at most twice
        # it: most lines are settled without measuring them.
        longer = sum(
            1
            for line in lines
            if len(line) > limit or (2 * len(line) > limit and measure(line) > limit)
        )
        if longer * 3 <= best_count:
            found, found_count = _Wrap(measure, best - _tolerance(best), limit), best_count
    return found


def _join_lines(lines: list[str], origin: array[int], original: str, rules: _Rules) -> str:
    """The text of ``lines`` (the edited text split at "\n") with hard-wrapped lines joined
    and blank ones dropped; ``origin``, the edited text's map, is cut to match in place."""
    if len(lines) == 1:
        return lines[0]
    wrap = _wrap_width(lines, rules)

    def indented(line_start: int) -> bool:
        # Indentation was removed by the edit pass; look for it in the input between the
        # line break and the line's first character.
        return (
            _HSPACE_RUN.search(original, origin[line_start - 1] + 1, origin[line_start]) is not None
        )

    indents = wrap is not None and _indents_paragraphs(lines, indented, rules)

    # [start, end) runs of the edited text to drop: joined line breaks and blank lines.
    drop: list[tuple[int, int]] = []
    # The result, as the lines (shared, not copied) and the breaks that stay.
    parts: list[str] = []
    previous = ""  # the last non-empty line
    previous_end = -1  # where it ends (its line break) in the edited text
    open_sentence = False  # the paragraph so far was joined mid-sentence
    start = 0
    for line in lines:
        end = start + len(line)
        if line:
            if previous_end < 0:
                if start:
                    drop.append((0, start))  # blank lines before the first line
            elif previous_end + 1 < start:
                drop.append((previous_end + 1, start))  # blank lines collapse to one
                parts.append("\n")
                open_sentence = False
            else:
                is_indented = functools.partial(indented, start)
                join = _join(previous, line, is_indented, open_sentence, wrap, indents, rules)
                if join is None:
                    parts.append("\n")
                else:
                    drop.append((previous_end, start))
                open_sentence = bool(join)
            parts.append(line)
            previous, previous_end = line, end
        start = end + 1
    length = start - 1  # of the edited text
    if previous_end < 0:
        del origin[:]
        return ""  # nothing but line breaks
    if previous_end < length:
        drop.append((previous_end, length))  # blank lines after the last one
    if drop:
        _drop_runs(origin, drop)
    return "".join(parts)


def _drop_runs(origin: array[int], drop: list[tuple[int, int]]) -> None:
    """Remove the sorted [start, end) runs ``drop`` from ``origin``, in place.

    A memoryview moves each kept run down with memmove: slicing the array itself would
    copy every run first, the first of which may be nearly the whole map.
    """
    view = memoryview(origin)
    kept = pos = 0
    for start, end in drop:
        if start > pos:
            if kept != pos:
                view[kept : kept + start - pos] = view[pos:start]
            kept += start - pos
        pos = end
    size = len(origin)
    if size > pos:
        if kept != pos:
            view[kept : kept + size - pos] = view[pos:size]
        kept += size - pos
    view.release()
    del origin[kept:]


def _indents_paragraphs(lines: list[str], indented: Callable[[int], bool], rules: _Rules) -> bool:
    """Whether most lines that follow a finished sentence are indented."""
    after_sentence = indented_count = 0
    start = 0
    previous = ""
    for line in lines:
        if line and previous and _ends_sentence(previous, rules):
            after_sentence += 1
            indented_count += indented(start)
        if line:
            previous = line
        start += len(line) + 1
    return after_sentence >= 3 and 2 * indented_count >= after_sentence


def _join(
    line: str,
    following: str,
    indented: Callable[[], bool],
    open_sentence: bool,
    wrap: _Wrap | None,
    indents: bool,
    rules: _Rules,
) -> bool | None:
    """How the break between two adjacent non-empty lines goes.

    None keeps the line break; True joins and says the sentence is still open (the next
    break may be one too); False joins a line that simply filled the wrap width.
    """
    last, first = line[-1], following[0]
    first_digit = "0" <= first <= "9"
    # A number cut in two ("下降3." / "9个百分点", "1.9：62." / "1：36") is always one.
    if first_digit and last in ".：:" and len(line) > 1 and "0" <= line[-2] <= "9":
        return True
    if _ends_sentence(line, rules):
        # In a wrapped document that indents its paragraphs, a full line ending a
        # sentence is followed by an unindented line only when the paragraph goes on.
        goes_on = (
            indents
            and wrap is not None
            and wrap.full(line)
            and not (rules.paragraph_start.match(following) or indented())
        )
        return False if goes_on else None
    if first in rules.no_line_start:
        # Not an open sentence: "】" or "。" closes what it continues.
        return False
    if rules.paragraph_start.match(following) or indented():
        return None
    if wrap is not None and wrap.full(line):
        return False
    if last in rules.clause_final:
        return None
    # Web copies break a sentence around bold or linked words ("…今年经济社会发展的" /
    # "主要预期目标" / "是：…", "以PM" / "2.5" / "浓度…"): a short fragment inside a
    # sentence that is already open does not close it.
    if open_sentence and len(line) <= rules.fragment_max_chars:
        return True
    # A quotation or bracket still open at the line end: the sentence is not over.
    if line.count("“") > line.count("”") or line.count("（") > line.count("）"):
        return True
    long_enough = len(line) >= rules.continuation_min_chars
    if long_enough and "0" <= last <= "9" and (first_digit or first == "."):
        return True
    if long_enough and last in rules.continuation_end:
        return True
    if last in rules.dangling_end:
        return True
    # A line with a full stop inside is body text, not a heading; if it then stops
    # without punctuation, its last sentence runs on into the next line, unless that
    # line is a short complete one of its own (a caption "…。本报记者某某摄" before
    # "各位代表：").
    if rules.body_mark.search(line, 0, len(line) - 1):
        complete = _ends_sentence(following, rules) or following[-1] in rules.clause_final
        if len(following) >= rules.continuation_min_chars or not complete:
            return True
    return None


# --- the whole thing ----------------------------------------------------------------------


def normalize(original: str) -> Normalized:
    """Clean ``original`` for matching; see the module docstring for what changes.

    A long report is a large part of the process's memory, so each full-size copy of the
    text is let go as soon as the next is built, OpenCC sees one block at a time, and the
    offset map is allocated once and edited in place.  Nothing is kept between calls.
    """
    rules = _rules()
    text = _one_for_one(original, rules)
    edits = _edit_list(text, rules)
    edited = _apply_edits(text, edits)
    del text
    origin = _edited_origin(edits, len(edited))
    del edits
    lines = edited.split("\n")
    del edited
    text = _join_lines(lines, origin, original, rules)
    del lines
    origin.append(len(original))
    return Normalized(text, origin)
