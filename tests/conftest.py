from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "chaoyang_2017.txt"

# The tests' own rule cache (and that of every cyx they start): never the user's, and
# fresh for each run, so that a run also exercises building the rules from their files.
os.environ["CYX_CACHE_DIR"] = tempfile.mkdtemp(prefix="cyx-test-cache-")


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")
