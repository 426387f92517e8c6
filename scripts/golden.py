"""Regenerate tests/golden/<stem>.json from samples/*.txt (``make golden``).

Golden files pin the whole output for the sample documents; tests/test_golden.py fails when
they are stale.  Review the diff before committing: a golden regenerated to match a bug is a bug.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from govplan import extract  # noqa: E402
from govplan.export import render  # noqa: E402


def golden_json(sample: Path) -> bytes:
    """The JSON output for ``sample``, its path written relative to the repository."""
    return render(extract(sample.relative_to(ROOT)), "json")


def main() -> None:
    import os

    os.chdir(ROOT)
    out = ROOT / "tests" / "golden"
    out.mkdir(parents=True, exist_ok=True)
    for sample in sorted((ROOT / "samples").glob("*.txt")):
        (out / f"{sample.stem}.json").write_bytes(golden_json(sample))
        print(f"wrote tests/golden/{sample.stem}.json")


if __name__ == "__main__":
    main()
