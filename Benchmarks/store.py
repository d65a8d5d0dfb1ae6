#!/usr/bin/env python3
"""make bench: the subscriber store against sqlite3's own .import, in the same run.

1. Generates a 100,000-row CSV (email, name, organization, language, and a custom column
   "beat"), as a new user's list would be.
2. RUNS times: REPEATS times each, alternating, times `herald lists import` (release build,
   a whole process: parse, validate every address, deduplicate, record consent evidence)
   into a new list of a new workspace, and `sqlite3 DB ".mode csv" ".import FILE people"`
   into an equivalent table (the same columns, email unique without case, WAL): the floor a
   user could reach by hand. Each run compares the medians; the target holds when every
   run's ratio is at most 3.
3. Imports two more overlapping 100,000-row files into two more lists (rows 50k–150k and
   100k–200k), then times streaming the recipients of the three lists (200,000 addresses).

Usage: python3 Benchmarks/store.py [ROWS [RUNS [REPEATS]]]   (default 100000 5 5)
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERALD = os.path.join(ROOT, ".build", "release", "herald")
BENCH = os.path.join(ROOT, ".build", "release", "herald-bench")
ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
REPEATS = int(sys.argv[3]) if len(sys.argv) > 3 else 5


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


def herald_import(ws, file, name):
    """A whole `herald lists import` into a new list; its time and peak memory."""
    subprocess.run([HERALD, "lists", "create", name, "--workspace", ws], check=True, capture_output=True)
    seconds, output, peak = timed([HERALD, "lists", "import", name, file, "--workspace", ws, "--json"])
    report = json.loads(output)
    assert report["added"] == ROWS, report
    return seconds, peak


def sqlite_import(work, file, index):
    """sqlite3's own .import into an equivalent table (the same columns, email unique
    without case), in WAL mode like Herald's store; its time."""
    db = os.path.join(work, f"floor{index}.sqlite")
    subprocess.run(["sqlite3", db, "PRAGMA journal_mode=WAL; CREATE TABLE people (email TEXT NOT NULL UNIQUE COLLATE NOCASE, "
                    "name TEXT, organization TEXT, language TEXT, beat TEXT);"], check=True, capture_output=True)
    seconds, _, _ = timed(["sqlite3", db, ".mode csv", f".import --skip 1 {file} people"])
    count = subprocess.run(["sqlite3", db, "SELECT COUNT(*) FROM people"], capture_output=True, text=True).stdout.strip()
    assert int(count) == ROWS, count
    os.remove(db)
    return seconds


def main():
    work = tempfile.mkdtemp(prefix="herald-store-bench-")
    try:
        files = []
        for index, start in enumerate([0, ROWS // 2, ROWS]):
            path = os.path.join(work, f"list{index}.csv")
            write_csv(path, start, ROWS)
            files.append(path)
        size = os.path.getsize(files[0])
        print(f"Store benchmark: {ROWS:,}-row CSV ({size / 1e6:.1f} MB: email, name, organization, language and one custom column)")
        print(f"  {RUNS} runs of {REPEATS}: each run imports the file {REPEATS} times with herald (a new workspace each time) and "
              f"{REPEATS} times with sqlite3, alternating, and compares the medians")
        ratios, peaks = [], []
        for run in range(RUNS):
            herald, sqlite = [], []
            for repeat in range(REPEATS):
                ws = os.path.join(work, f"ws{run}-{repeat}")
                subprocess.run([HERALD, "init", ws], check=True, capture_output=True)
                seconds, peak = herald_import(ws, files[0], "bench-a")
                herald.append(seconds)
                peaks.append(peak)
                sqlite.append(sqlite_import(work, files[0], repeat))
                if run + 1 < RUNS or repeat + 1 < REPEATS:
                    shutil.rmtree(ws)
            h, q = statistics.median(herald), statistics.median(sqlite)
            ratios.append(h / q)
            print(f"  run {run + 1}: herald {h:5.2f} s  sqlite3 {q:5.2f} s  ratio {h / q:4.2f}   "
                  f"(herald {' '.join(f'{x:.2f}' for x in herald)}; sqlite3 {' '.join(f'{x:.2f}' for x in sqlite)})")
        print(f"                        {os.path.relpath(HERALD, ROOT)} lists import bench-a FILE --workspace WS --json")
        print(f"                        sqlite3 DB .mode csv \".import --skip 1 FILE people\"")

        # The last workspace: two more overlapping lists, then the recipients of all three.
        for name, path in [("bench-b", files[1]), ("bench-c", files[2])]:
            timed([HERALD, "lists", "create", name, "--workspace", ws])
            timed([HERALD, "lists", "import", name, path, "--workspace", ws, "--json"])
        _, selection, _ = timed([BENCH, "select", os.path.join(ws, "Lists", "herald.sqlite"), "bench-a", "bench-b", "bench-c"])
        select = json.loads(selection)
        assert select["recipients"] == 2 * ROWS, select

        worst = max(ratios)
        verdict = "meets" if worst <= 3 else "MISSES"
        print(f"  ratio per run         {' '.join(f'{r:.2f}' for r in ratios)}  (target at most 3x in every run: {verdict}; worst {worst:.2f})")
        print(f"  import peak           {max(peaks):7.0f} MB")
        print(f"  recipients of 3 lists {select['seconds']:7.2f} s  ({select['recipients']:,} addresses, peak {select['max_rss_kb'] / 1024:.0f} MB; target under 1 s)")
        print(json.dumps({"benchmark": "store", "rows": ROWS, "runs": RUNS, "repeats": REPEATS, "ratios": ratios,
                          "worst_ratio": worst, "import_peak_mb": max(peaks), "select": select}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
