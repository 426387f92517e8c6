"""The lines of the sample documents, for the tests that compare a fast path with the code it
replaced on real text (one reading, shared by those test modules)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@cache
def sample_lines() -> tuple[str, ...]:
    """Every line with text of every sample .txt, in file order."""
    lines = tuple(
        line
        for path in sorted(SAMPLES.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    assert len(lines) > 100
    return lines
