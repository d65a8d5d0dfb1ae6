#!/usr/bin/env python3
"""make bench: Herald's compose benchmark against its Python peer, in the same run.

Personalises and encodes COUNT messages of the sample release with Herald (herald-bench,
release build, one thread) and with Python's `email` package + `markdown`
(Benchmarks/peers/compose_python.py), both pinned to the same single core, and prints
the figures and their ratio. Herald runs three times and its median counts.

Usage: python3 Benchmarks/compose.py [COUNT]   (default 20000)
"""
import json
import os
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, "Releases", "2020-03-31-water-report.md")
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
TARGET_RATE = 20000
TARGET_RATIO = 20


def pinned(command):
    """Runs on one core (the last), so 'per core' means what it says."""
    if shutil.which("taskset"):
        return ["taskset", "-c", str(os.cpu_count() - 1)] + command
    return command


def run(command):
    result = subprocess.run(pinned(command), cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"benchmark failed: {' '.join(command)}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    print(f"Compose benchmark: {COUNT:,} personalised messages of {os.path.relpath(RELEASE, ROOT)}, one core")
    herald_runs = [run([".build/release/herald-bench", "compose", ROOT, RELEASE, str(COUNT)]) for _ in range(3)]
    herald = sorted(herald_runs, key=lambda r: r["messages_per_second"])[1]
    print(f"  herald        {herald['messages_per_second']:>10,.0f} msg/s  ({herald['seconds']:.2f} s, "
          f"{herald['average_bytes']:,} bytes/message; runs: "
          + ", ".join(f"{r['messages_per_second']:,.0f}" for r in herald_runs) + ")", flush=True)
    python = run([sys.executable, "Benchmarks/peers/compose_python.py", RELEASE, str(COUNT)])
    print(f"  python email  {python['messages_per_second']:>10,.0f} msg/s  ({python['seconds']:.2f} s, "
          f"{python['average_bytes']:,} bytes/message)")
    ratio = herald["messages_per_second"] / python["messages_per_second"]
    print(f"  ratio         {ratio:>10.1f}x  (target {TARGET_RATIO}x)")
    print(f"  herald rate   {'meets' if herald['messages_per_second'] >= TARGET_RATE else 'MISSES'} "
          f"the {TARGET_RATE:,} msg/s target; ratio {'meets' if ratio >= TARGET_RATIO else 'MISSES'} the {TARGET_RATIO}x target")
    print(json.dumps({"benchmark": "compose", "count": COUNT, "herald": herald, "python": python, "ratio": ratio}))


if __name__ == "__main__":
    main()
