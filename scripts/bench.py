"""Benchmarks (``make bench``): prints figures, asserts nothing.  Timed unit tests flake on shared
machines; these numbers are for people and for comparing commits.

- cold start: wall time of ``govplan extract SAMPLE`` in a fresh process (median of 5)
- import cost: modules a plain extract loads that it should not (jieba, docx, lxml, …)
- throughput: documents and characters per second, in process, over the samples
- memory: peak RSS of one extract process
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
GOVPLAN = [sys.executable, "-m", "govplan"]


def cold_start(sample: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*GOVPLAN, "extract", str(sample), "-f", "json"], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def loaded_extras(sample: Path) -> list[str]:
    code = (
        "import sys, json, govplan; govplan.extract(sys.argv[1]); "
        "print(json.dumps(sorted(m for m in ('jieba', 'docx', 'lxml', 'pypdfium2', 'openpyxl', 'rich') if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(sample)], check=True, capture_output=True, text=True)
    return list(json.loads(out.stdout))


def peak_rss_mb(sample: Path) -> float:
    code = (
        "import resource, sys, govplan; govplan.extract(sys.argv[1]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(sample)], check=True, capture_output=True, text=True)
    return int(out.stdout) / 1024


def throughput(rounds: int = 20) -> tuple[float, float]:
    sys.path.insert(0, str(ROOT / "src"))
    from govplan import extract
    from govplan.readers import read

    docs = [read(s) for s in SAMPLES]
    for doc in docs:  # warm: rules compiled once per process
        extract(doc)
    chars = sum(len(d.raw) for d in docs) * rounds
    start = time.perf_counter()
    for _ in range(rounds):
        for doc in docs:
            extract(doc)
    elapsed = time.perf_counter() - start
    return len(docs) * rounds / elapsed, chars / elapsed


def main() -> None:
    sample = SAMPLES[0]
    print(f"cold start (median of 5)   {cold_start(sample) * 1000:8.0f} ms   govplan extract {sample.name}")
    print(f"modules a plain extract loads that it need not: {loaded_extras(sample) or 'none'}")
    print(f"peak RSS of one extract     {peak_rss_mb(sample):8.1f} MB")
    docs_per_s, chars_per_s = throughput()
    print(f"throughput (warm, in process) {docs_per_s:6.1f} documents/s  {chars_per_s / 1000:8.1f} k chars/s")


if __name__ == "__main__":
    main()
