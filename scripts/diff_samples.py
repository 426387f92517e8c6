"""Regenerate the example diff reports in samples/ (run from the repository root).

    python scripts/diff_samples.py

- samples/diff-2021-2022-refined-management.md: the 2021 refined-management task plan against the
  2022 城市颜值圈 work plan that took over several of its tasks;
- samples/diff-2022-2023-city-appearance.md: the 2022 城市颜值圈 work plan against the 城市颜值圈
  part of the 2023 task list (``--new-section 城市颜值圈``).

tests/test_diff.py fails when a report here is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

CASES = {
    "diff-2021-2022-refined-management.md": ("samples/001_7f1fd31981bc28f0.txt", "samples/000_827dc12619368c5f.txt", None),
    "diff-2022-2023-city-appearance.md": ("samples/000_827dc12619368c5f.txt", "samples/004_8aeef2efaded7953.txt", "城市颜值圈"),
}


def reports() -> dict[str, bytes]:
    """file name → the markdown report, paths relative to the working directory (the repository root)."""
    from govplan.diff import diff, render_markdown

    return {name: render_markdown(diff(old, new, new_section=section)) for name, (old, new, section) in CASES.items()}


def main() -> int:
    for name, report in reports().items():
        path = Path("samples") / name
        path.write_bytes(report)
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
