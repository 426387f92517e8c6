"""Golden files: the whole JSON output for each sample.  `make golden` regenerates them; this
test fails when one is stale (review the diff of `make golden` before committing)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
sys.path.insert(0, str(ROOT / "scripts"))


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_golden_is_current(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from golden import golden_json

    monkeypatch.chdir(ROOT)
    golden = ROOT / "tests" / "golden" / f"{sample.stem}.json"
    assert golden.exists(), f"no golden for {sample.name}: run `make golden`"
    current = json.loads(golden_json(sample))
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert current == expected, f"{golden.name} is stale: run `make golden` and review the diff"


def test_every_sample_has_a_golden() -> None:
    goldens = {p.stem for p in (ROOT / "tests" / "golden").glob("*.json")}
    assert goldens == {s.stem for s in SAMPLES}
