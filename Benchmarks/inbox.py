#!/usr/bin/env python3
"""make bench: classifying returned mail, against Mailman's bounce detector, in the same run.

The benchmark writes an mbox (mboxrd) of mixed messages made from the inbox's test fixtures
(Tests/HeraldInboxTests/Fixtures): DSNs and the non-standard bounces of Exim, qmail,
Sendmail, Gmail, Yahoo, Microsoft and Amazon SES, out-of-office replies, replies from
people, an ARF complaint and unsubscribe requests, each with its own recipient and
Message-ID. Then, on the same file and the same core:

  herald        `herald-bench classify MBOX`: MboxReader reads one message at a time,
                ReceivedMessage parses it (MIME, charsets), Classifier classifies it and
                reads the bounced recipients, their status and diagnostic.
  flufl.bounce  Mailman's bounce detector (PyPI flufl.bounce): Python's mailbox.mbox reads
                the file, the email package parses each message and all_failures() scans it.
  herald import `herald inbox import MBOX` end to end, for information: the above, plus each
                message kept on disk (fsync'd), recorded in SQLite and its consequences applied.

Each tool runs three times, alternating; medians are compared. Then the memory of
`herald-bench classify` on an mbox ten times larger shows it does not grow with the file.

Usage: python3 Benchmarks/inbox.py [MESSAGES]   (default 10000)
"""
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "herald-bench")
HERALD = os.path.join(ROOT, ".build", "release", "herald")
FIXTURES = os.path.join(ROOT, "Tests", "HeraldInboxTests", "Fixtures")
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
TARGET = 10.0
MEMORY_LIMIT_MB = 100

# The mix: roughly what comes back after a campaign. Names are fixture files.
MIX = {
    "bounce": ["postfix-dsn-5.1.1.eml", "postfix-dsn-delayed.eml", "postfix-dsn-5.7.1-policy.eml", "exim-5.1.1.eml",
               "qmail-5.1.1.eml", "sendmail-5.1.1.eml", "gmail-5.1.1.eml", "yahoo-5.1.1.eml", "exchange-5.1.10.eml",
               "exchange-unzustellbar.eml", "amazon-ses-5.1.1.eml", "global-dsn-utf8.eml"],
    "auto-reply": ["exchange-ooo.eml", "gmail-vacation.eml", "icloud-vacation.eml", "outofoffice-subject-only.eml"],
    "inquiry": ["reply-html-only.eml", "reply-cp1251-qp.eml", "reply-with-attachment.eml", "reply-via-list.eml"],
    "other": ["arf-complaint.eml", "unsubscribe-reply-en.eml", "unsubscribe-reply-de.eml", "unsubscribe-mailto.eml"],
}
WEIGHTS = {"bounce": 45, "auto-reply": 25, "inquiry": 25, "other": 5}


def pinned(command):
    if shutil.which("taskset"):
        return ["taskset", "-c", str(os.cpu_count() - 1)] + command
    return command


def write_mbox(path, count, seed=9):
    """count messages, each a fixture with its reader and Message-IDs made unique."""
    random.seed(seed)
    templates = {kind: [open(os.path.join(FIXTURES, name), "rb").read() for name in names] for kind, names in MIX.items()}
    kinds = [kind for kind, weight in WEIGHTS.items() for _ in range(weight)]
    reader = re.compile(rb"reader\d+@example\.com")
    message_id = re.compile(rb"<([^<>@\s]+)@")
    quoted = re.compile(rb"^(>*From )", re.MULTILINE)
    with open(path, "wb") as out:
        for index in range(count):
            kind = random.choice(kinds)
            message = random.choice(templates[kind])
            message = reader.sub(b"reader%d@example.com" % (index % 50_000), message)
            message = message_id.sub(lambda m: b"<" + m.group(1) + b".%d@" % index, message)
            message = message.replace(b"\r\n", b"\n")
            out.write(b"From MAILER-DAEMON Tue Dec  1 10:%02d:%02d 2026\n" % (index // 60 % 60, index % 60))
            out.write(quoted.sub(rb">\1", message))
            if not message.endswith(b"\n"):
                out.write(b"\n")
            out.write(b"\n")


FLUFL = r"""
import json, mailbox, resource, sys, time
from flufl.bounce import all_failures
start = time.perf_counter()
count = failed = 0
for message in mailbox.mbox(sys.argv[1]):
    temporary, permanent = all_failures(message)
    failed += len(temporary) + len(permanent)
    count += 1
seconds = time.perf_counter() - start
print(json.dumps({"messages": count, "seconds": seconds, "messages_per_second": count / seconds,
                  "bounced_recipients": failed, "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run_json(command, env=None):
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def herald_import(work, mbox, run):
    ws = os.path.join(work, f"ws-{run}")
    subprocess.run([HERALD, "init", ws], check=True, capture_output=True)
    start = time.perf_counter()
    subprocess.run(pinned([HERALD, "inbox", "import", mbox]), check=True, capture_output=True, cwd=ws)
    seconds = time.perf_counter() - start
    shutil.rmtree(ws, ignore_errors=True)
    return COUNT / seconds


def main():
    work = tempfile.mkdtemp(prefix="herald-inbox-bench-")
    try:
        mbox = os.path.join(work, "returned.mbox")
        write_mbox(mbox, COUNT)
        size = os.path.getsize(mbox)
        peer = os.path.join(work, "flufl_peer.py")
        with open(peer, "w") as handle:
            handle.write(FLUFL)
        herald, flufl, imports = [], [], []
        herald_result = flufl_result = None
        for run in range(3):
            herald_result = run_json(pinned([BENCH, "classify", mbox]))
            herald.append(herald_result["messages_per_second"])
            flufl_result = run_json(pinned([sys.executable, peer, mbox]))
            flufl.append(flufl_result["messages_per_second"])
        for run in range(3):
            imports.append(herald_import(work, mbox, run))
        if herald_result["messages"] != COUNT or flufl_result["messages"] != COUNT:
            sys.exit(f"the tools read different messages: herald {herald_result['messages']}, flufl.bounce {flufl_result['messages']}, written {COUNT}")

        big = os.path.join(work, "returned-10x.mbox")
        write_mbox(big, COUNT * 10, seed=10)
        big_size = os.path.getsize(big)
        big_result = run_json([BENCH, "classify", big])
        os.remove(big)

        h, f, i = statistics.median(herald), statistics.median(flufl), statistics.median(imports)
        ratio = h / f
        small_mb, big_mb = herald_result["max_rss_kb"] / 1024, big_result["max_rss_kb"] / 1024
        print(f"Inbox benchmark: {COUNT:,} returned messages in one mbox ({size / 1e6:.1f} MB), one core, medians of 3")
        print(f"  classes (herald)          {json.dumps(herald_result['classes'])}")
        print(f"  herald classify    {h:9,.0f} msg/s  (runs: {' / '.join(f'{x:,.0f}' for x in herald)}; "
              f"{herald_result['bounced_recipients']:,} bounced recipients read; herald-bench classify MBOX)")
        print(f"  flufl.bounce       {f:9,.0f} msg/s  (runs: {' / '.join(f'{x:,.0f}' for x in flufl)}; "
              f"{flufl_result['bounced_recipients']:,} bounced recipients; mailbox.mbox + email + all_failures)")
        verdict = "meets" if ratio >= TARGET else "MISSES"
        print(f"  herald/flufl.bounce {ratio:8.1f}×  (target ≥ {TARGET:.0f}×: {verdict})")
        print(f"  herald inbox import {i:8,.0f} msg/s  (runs: {' / '.join(f'{x:,.0f}' for x in imports)}; "
              "end to end: kept on disk, recorded, applied — for information)")
        memory = "meets" if max(small_mb, big_mb) < MEMORY_LIMIT_MB else "MISSES"
        print(f"  peak memory, classify: {small_mb:.0f} MB for {size / 1e6:.0f} MB, {big_mb:.0f} MB for {big_size / 1e6:.0f} MB "
              f"(limit {MEMORY_LIMIT_MB} MB: {memory}); flufl.bounce {flufl_result['max_rss_kb'] / 1024:.0f} MB")
        print(json.dumps({"benchmark": "inbox", "messages": COUNT, "mbox_bytes": size, "herald_per_second": h,
                          "flufl_per_second": f, "ratio": ratio, "import_per_second": i, "herald_runs": herald,
                          "flufl_runs": flufl, "import_runs": imports, "classes": herald_result["classes"],
                          "herald_max_rss_kb": herald_result["max_rss_kb"], "herald_10x_max_rss_kb": big_result["max_rss_kb"],
                          "flufl_max_rss_kb": flufl_result["max_rss_kb"]}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
