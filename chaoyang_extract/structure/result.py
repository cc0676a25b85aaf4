"""What ``analyze`` finds: the report year, the region and the contiguous sections."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

__all__ = ["Section", "Structure"]


@dataclass(frozen=True)
class Section:
    start: int
    end: int
    path: str
    period: str


@dataclass(frozen=True)
class Structure:
    report_year: int | None
    region: str | None
    sections: tuple[Section, ...]
    warnings: tuple[str, ...]

    def at(self, pos: int) -> Section:
        """The section holding offset ``pos``; the end of the text belongs to the last one."""
        if not self.sections:
            raise IndexError("no sections")
        last = self.sections[-1]
        if pos < 0 or pos > last.end:
            raise IndexError(f"offset {pos} outside 0..{last.end}")
        i = bisect.bisect_right(self.sections, pos, key=lambda s: s.start) - 1
        return self.sections[max(i, 0)]
