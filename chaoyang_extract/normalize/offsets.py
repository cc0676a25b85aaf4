"""The map from every clean character back to the input offset it came from.

One array of ints, allocated once and edited in place: on a long report it is the largest
thing normalising makes besides the text.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Normalized", "drop_runs", "edited_origin"]


@dataclass(frozen=True)
class Normalized:
    """Clean text plus, for each of its characters, the input offset it came from."""

    text: str
    # len(text) + 1 entries; the last one is len(original), so spans ending at the end of
    # the text need no special case.
    origin: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The input (start, end) that covers clean ``text[start:end]``.

        >>> clean = Normalized("增长9.4%", [0, 1, 2, 4, 5, 6, 7])  # from "增长9 .4%"
        >>> clean.span(2, 5)
        (2, 6)
        >>> clean.span(2, 2)
        (2, 2)
        """
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span {start}:{end} outside text of length {len(self.text)}")
        if start == end:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


def edited_origin(edits: list[tuple[int, int, str]], length: int) -> array[int]:
    """The origin map of the edited text (``length`` characters), built in place once.

    Between edits the map counts up by one; each replacement character maps to the start
    of the run it replaces.  So the map is the running sum of its steps, which are 1 but
    at the few places an edit moves it: numpy works those out for all edits at once, and
    sums the steps in place, in the array that is returned, so the map is never copied
    and no Python int is made per entry.

    >>> edited_origin([(2, 3, ""), (5, 7, "—")], 7).tolist()  # "增长 9%--5%" -> "增长9%—5%"
    [0, 1, 3, 4, 5, 7, 8]
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


def drop_runs(origin: array[int], drop: list[tuple[int, int]]) -> None:
    """Remove the sorted [start, end) runs ``drop`` from ``origin``, in place.

    A memoryview moves each kept run down with memmove: slicing the array itself would
    copy every run first, the first of which may be nearly the whole map.

    >>> origin = array("i", range(8))
    >>> drop_runs(origin, [(0, 2), (5, 6)])
    >>> origin.tolist()
    [2, 3, 4, 6, 7]
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
