#!/usr/bin/env python3
"""make bench: the subscriber store against sqlite3's own .import, in the same run.

1. Generates a 100,000-row CSV (email, name, organization, language, beat).
2. Times `herald lists import` (release build, a whole process: parse, validate every
   address, deduplicate, record consent evidence) into a new list, and its peak memory.
3. Times `sqlite3 DB ".mode csv" ".import FILE people"` into an equivalent table (the same
   columns, email unique without case): the floor a user could reach by hand.
4. Imports two more overlapping 100,000-row files into two more lists (rows 50k–150k and
   100k–200k), then times streaming the recipients of the three lists (200,000 addresses).

Usage: python3 Benchmarks/store.py [ROWS]   (default 100000)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERALD = os.path.join(ROOT, ".build", "release", "herald")
BENCH = os.path.join(ROOT, ".build", "release", "herald-bench")
ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


def write_csv(path, start, count):
    with open(path, "w", encoding="utf-8") as f:
        f.write("email,name,organization,language,beat\n")
        for i in range(start, start + count):
            f.write(f"reader{i}@example.com,Reader {i} Example,\"Example Daily, {i % 97}\",en,water\n")


def timed(command):
    """Runs a command; returns its wall time, its output and its own peak memory (MB)."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=out, stderr=err)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        sys.exit(f"benchmark failed: {' '.join(command)}\n{stdout}\n{stderr}")
    return seconds, stdout, usage.ru_maxrss / 1024


def main():
    work = tempfile.mkdtemp(prefix="herald-store-bench-")
    try:
        ws = os.path.join(work, "ws")
        subprocess.run([HERALD, "init", ws], check=True, capture_output=True)
        files = []
        for index, start in enumerate([0, ROWS // 2, ROWS]):
            path = os.path.join(work, f"list{index}.csv")
            write_csv(path, start, ROWS)
            files.append(path)
        size = os.path.getsize(files[0])
        print(f"Store benchmark: {ROWS:,}-row CSV ({size / 1e6:.1f} MB)")
        for name in ["bench-a", "bench-b", "bench-c"]:
            subprocess.run([HERALD, "lists", "create", name, "--workspace", ws], check=True, capture_output=True)

        # Herald: a whole `herald lists import` process, and its own peak resident memory.
        herald_seconds, output, herald_rss_mb = timed([HERALD, "lists", "import", "bench-a", files[0], "--workspace", ws, "--json"])
        report = json.loads(output)
        assert report["added"] == ROWS, report

        # sqlite3's own .import into an equivalent table.
        db = os.path.join(work, "floor.sqlite")
        subprocess.run(["sqlite3", db, "PRAGMA journal_mode=WAL; CREATE TABLE people (email TEXT NOT NULL UNIQUE COLLATE NOCASE, "
                        "name TEXT, organization TEXT, language TEXT, beat TEXT);"], check=True, capture_output=True)
        sqlite_seconds, _, _ = timed(["sqlite3", db, ".mode csv", f".import --skip 1 {files[0]} people"])
        count = subprocess.run(["sqlite3", db, "SELECT COUNT(*) FROM people"], capture_output=True, text=True).stdout.strip()
        assert int(count) == ROWS, count

        for name, path in [("bench-b", files[1]), ("bench-c", files[2])]:
            timed([HERALD, "lists", "import", name, path, "--workspace", ws, "--json"])
        _, selection, _ = timed([BENCH, "select", os.path.join(ws, "Lists", "herald.sqlite"), "bench-a", "bench-b", "bench-c"])
        select = json.loads(selection)
        assert select["recipients"] == 2 * ROWS, select

        ratio = herald_seconds / sqlite_seconds
        print(f"  herald lists import   {herald_seconds:7.2f} s  ({ROWS / herald_seconds:,.0f} rows/s, peak {herald_rss_mb:.0f} MB)")
        print(f"  sqlite3 .import       {sqlite_seconds:7.2f} s  ({ROWS / sqlite_seconds:,.0f} rows/s)")
        print(f"  ratio                 {ratio:7.2f}x sqlite3's time  (target at most 3x)")
        print(f"  recipients of 3 lists {select['seconds']:7.2f} s  ({select['recipients']:,} addresses, peak {select['max_rss_kb'] / 1024:.0f} MB; target under 1 s)")
        print(json.dumps({"benchmark": "store", "rows": ROWS, "herald_import_seconds": herald_seconds,
                          "herald_import_peak_mb": herald_rss_mb, "sqlite_import_seconds": sqlite_seconds,
                          "ratio": ratio, "select": select}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
