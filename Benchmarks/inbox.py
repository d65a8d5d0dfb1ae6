#!/usr/bin/env python3
"""make bench: reading returned mail, against Mailman's bounce detector and sisimai, in the same run.

The benchmark writes an mbox (mboxrd) of mixed messages made from the inbox's test fixtures
(Tests/HeraldInboxTests/Fixtures): DSNs (Postfix, Exim's, a Japanese ISO-2022-JP notice)
and the non-standard bounces of Exim, qmail, Sendmail (with recipients only in the
transcript), Postfix's words in GB2312, Gmail, Yahoo, Microsoft and Amazon SES (RFC 3464,
and its JSON notifications by email), notices with several recipients, out-of-office
replies, replies from people, ARF and SES complaints and unsubscribe requests, each with its
own recipients and Message-IDs. Then, on the same file:

  herald import `herald inbox import MBOX` end to end (release build, a fresh workspace
                each run): read, parse, classify, each message's file written and the
                batch's files flushed together, recorded in SQLite with its consequences.
                Its peak memory is the child's ru_maxrss (os.wait4).
  sisimai       the reference bounce analyser (Debian libsisimai-perl): `perl -MSisimai`,
                Sisimai->make(MBOX) and its records listed; end to end too (perl's start).
  herald        `herald-bench classify MBOX`: MboxReader, ReceivedMessage, Classifier only.
  flufl.bounce  Mailman's bounce detector (PyPI flufl.bounce): Python's mailbox.mbox reads
                the file, the email package parses each message and all_failures() scans it.

Each runs three times, alternating; medians are compared. herald-bench classify and
flufl.bounce are pinned to the same core; herald inbox import (three threads: reading and
classifying, writing files, flushing and recording) and sisimai (one) are not. The bounced
recipients each finds are compared too: every one sisimai finds, Herald should.
Then the memory of `herald-bench classify` on an mbox ten times larger shows it does not
grow with the file.

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
TARGET = 10.0              # herald classify / flufl.bounce
IMPORT_TARGET = 5_000      # herald inbox import, messages per second end to end
SISIMAI_TARGET = 4.0       # herald inbox import / sisimai
MEMORY_LIMIT_MB = 100

# The mix: roughly what comes back after a campaign. Names are fixture files.
MIX = {
    "bounce": ["postfix-dsn-5.1.1.eml", "postfix-dsn-delayed.eml", "postfix-dsn-5.7.1-policy.eml", "exim-5.1.1.eml",
               "qmail-5.1.1.eml", "sendmail-5.1.1.eml", "gmail-5.1.1.eml", "yahoo-5.1.1.eml", "exchange-5.1.10.eml",
               "exchange-unzustellbar.eml", "amazon-ses-5.1.1.eml", "global-dsn-utf8.eml",
               # issue 13: shapes other systems send
               "postfix-dsn-iso2022jp.eml", "postfix-notice-gb2312.eml", "sendmail-transcript.eml",
               "sendmail-transcript-several.eml", "exim-several.eml", "qmail-several.eml", "ses-bounce-sns.eml",
               "postfix-dsn-from-line.eml"],
    "auto-reply": ["exchange-ooo.eml", "gmail-vacation.eml", "icloud-vacation.eml", "outofoffice-subject-only.eml"],
    "inquiry": ["reply-html-only.eml", "reply-cp1251-qp.eml", "reply-with-attachment.eml", "reply-via-list.eml"],
    "other": ["arf-complaint.eml", "ses-complaint-sns.eml", "unsubscribe-reply-en.eml", "unsubscribe-reply-de.eml",
              "unsubscribe-mailto.eml"],
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
    # Each message's readers get numbers of their own (so a notice's several recipients stay
    # several), and every Message-ID-like token (not the readers' addresses) is made unique.
    reader = re.compile(rb"reader(\d+)@example\.com", re.IGNORECASE)
    # RFC 6533's fixture: the address in UTF-8, and escaped as \x{FC}.
    juergen = re.compile(rb"(j(?:\xc3\xbc|\\x\{FC\})rgen\.m(?:\xc3\xbc|\\x\{FC\})ller)@example\.com", re.IGNORECASE)
    message_id = re.compile(rb"<(?!reader\d+@example\.com>)(?!j(?:\xc3\xbc|\\x\{FC\})rgen)([^<>@\s]+)@", re.IGNORECASE)
    bare_id = re.compile(rb"^(Message-I[Dd]:[ \t]*<)([^<>@\s]+)>", re.MULTILINE)  # an id without "@" (Yahoo's)
    quoted = re.compile(rb"^(>*From )", re.MULTILINE)
    with open(path, "wb") as out:
        for index in range(count):
            kind = random.choice(kinds)
            message = random.choice(templates[kind])
            message = reader.sub(lambda m: b"reader%d@example.com" % (index * 64 + int(m.group(1)) % 64), message)
            message = juergen.sub(lambda m: m.group(1) + b"%d@example.com" % index, message)
            message = message_id.sub(lambda m: b"<" + m.group(1) + b".%d@" % index, message)
            message = bare_id.sub(lambda m: m.group(1) + m.group(2) + b".%d>" % index, message)
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
count = failed = errors = 0
for message in mailbox.mbox(sys.argv[1]):
    try:
        temporary, permanent = all_failures(message)
        failed += len(temporary) + len(permanent)
    except Exception:
        errors += 1  # its detectors raise on some messages (a header they cannot read)
    count += 1
seconds = time.perf_counter() - start
print(json.dumps({"messages": count, "seconds": seconds, "messages_per_second": count / seconds,
                  "bounced_recipients": failed, "errors": errors,
                  "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


SISIMAI = r"""
use strict; use warnings;
use Sisimai;
# Sisimai->make reads the mbox and returns a record per recipient of every bounce, feedback
# report (complaint) or automatic reply it recognises.
my $records = Sisimai->make($ARGV[0]) // [];
my ($bounced, $complaints, $other) = (0, 0, 0);
open(my $out, '>', $ARGV[1]) or die "$ARGV[1]: $!";
for my $record (@$records) {
    my $reason = $record->reason // '';
    if ($reason eq 'vacation' || $reason eq 'delivered') { $other++; next }
    my $kind = $reason eq 'feedback' ? 'complaint' : 'bounce';
    $reason eq 'feedback' ? $complaints++ : $bounced++;
    print $out "$kind ", lc($record->recipient->address), "\n";
}
close($out);
printf "{\"records\":%d,\"bounced_recipients\":%d,\"complaints\":%d,\"other\":%d}\n", scalar(@$records), $bounced, $complaints, $other;
"""


def timed(command, cwd=None):
    """Runs a command; its wall time in seconds, its stdout, and its peak memory (ru_maxrss, kB)."""
    # Output to files, not pipes: nothing to read while it runs, and os.wait4 gives this
    # child's own rusage (getrusage(RUSAGE_CHILDREN) would mix in the other children).
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({child.returncode}): {err.read().decode(errors='replace')[-2000:]}")
        timed.cpu = (usage.ru_utime, usage.ru_stime)
        return seconds, out.read().decode(errors="replace"), usage.ru_maxrss


def listed(path):
    with open(path) as handle:
        return {tuple(line.split(" ", 1)) for line in handle.read().splitlines() if " " in line}


def run_json(command, env=None):
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def herald_import(work, mbox, run):
    """herald inbox import MBOX in a fresh workspace: messages per second, peak kB, its summary."""
    ws = os.path.join(work, f"ws-{run}")
    subprocess.run([HERALD, "init", ws], check=True, capture_output=True)
    # Not pinned: the import works on three batches at once, on three threads.
    seconds, out, max_rss = timed([HERALD, "inbox", "import", mbox], cwd=ws)
    # The workspace stays until the end: 10,000 files deleted just before the next run
    # would slow its own (ext4 without a journal skips, for every new file, the inodes
    # freed in the last half minute in its block group).
    return COUNT / seconds, max_rss, out.strip().splitlines()[-1], timed.cpu


def sisimai_analysis(work, mbox, script, run):
    """perl -MSisimai over MBOX: messages per second, its counts, the recipients it found."""
    found = os.path.join(work, f"sisimai-{run}.txt")
    seconds, out, max_rss = timed(["perl", script, mbox, found])
    result = json.loads(out.strip().splitlines()[-1])
    result["max_rss_kb"] = max_rss
    result["cpu"] = timed.cpu
    return COUNT / seconds, result, listed(found)


def main():
    work = tempfile.mkdtemp(prefix="herald-inbox-bench-")
    try:
        mbox = os.path.join(work, "returned.mbox")
        write_mbox(mbox, COUNT)
        size = os.path.getsize(mbox)
        peer = os.path.join(work, "flufl_peer.py")
        with open(peer, "w") as handle:
            handle.write(FLUFL)
        sisimai_script = os.path.join(work, "sisimai_peer.pl")
        with open(sisimai_script, "w") as handle:
            handle.write(SISIMAI)
        herald_found = os.path.join(work, "herald.txt")
        herald, flufl, imports, sisimai, import_rss, import_cpu, sisimai_cpu = [], [], [], [], [], [], []
        herald_result = flufl_result = sisimai_result = sisimai_found = import_summary = None
        for run in range(3):
            rate, rss, import_summary, cpu = herald_import(work, mbox, run)
            imports.append(rate)
            import_rss.append(rss)
            import_cpu.append(cpu)
            rate, sisimai_result, sisimai_found = sisimai_analysis(work, mbox, sisimai_script, run)
            sisimai.append(rate)
            sisimai_cpu.append(sisimai_result["cpu"])
            herald_result = run_json(pinned([BENCH, "classify", mbox, "--recipients", herald_found]))
            herald.append(herald_result["messages_per_second"])
            flufl_result = run_json(pinned([sys.executable, peer, mbox]))
            flufl.append(flufl_result["messages_per_second"])
        if herald_result["messages"] != COUNT or flufl_result["messages"] != COUNT:
            sys.exit(f"the tools read different messages: herald {herald_result['messages']}, flufl.bounce {flufl_result['messages']}, written {COUNT}")
        found_by_herald = listed(herald_found)
        missed = sorted(sisimai_found - found_by_herald)

        big = os.path.join(work, "returned-10x.mbox")
        write_mbox(big, COUNT * 10, seed=10)
        big_size = os.path.getsize(big)
        big_result = run_json([BENCH, "classify", big])
        os.remove(big)

        h, f, i, p = (statistics.median(x) for x in (herald, flufl, imports, sisimai))
        ratio, peer_ratio = h / f, i / p
        small_mb, big_mb = herald_result["max_rss_kb"] / 1024, big_result["max_rss_kb"] / 1024
        import_mb = max(import_rss) / 1024
        herald_bounced = sum(1 for kind, _ in found_by_herald if kind == "bounce")
        herald_complaints = sum(1 for kind, _ in found_by_herald if kind == "complaint")
        sisimai_bounced = sum(1 for kind, _ in sisimai_found if kind == "bounce")
        sisimai_complaints = sum(1 for kind, _ in sisimai_found if kind == "complaint")

        def verdict(ok):
            return "meets" if ok else "MISSES"

        def runs(values):
            return " / ".join(f"{x:,.0f}" for x in values)

        with open("/proc/pressure/cpu") if os.path.exists("/proc/pressure/cpu") else open(os.devnull) as handle:
            pressure = handle.readline().strip()
        print(f"Inbox benchmark: {COUNT:,} returned messages in one mbox ({size / 1e6:.1f} MB), medians of 3"
              + (f"; CPU pressure at the end: {pressure}" if pressure else ""))
        print(f"  classes (herald)          {json.dumps(herald_result['classes'])}")
        print(f"  herald inbox import {i:8,.0f} msg/s  (runs: {runs(imports)}; end to end: kept on disk, flushed, recorded, applied; "
              f"{import_summary})")
        print(f"  sisimai             {p:8,.0f} msg/s  (runs: {runs(sisimai)}; perl -MSisimai, Sisimai->make(MBOX), end to end; "
              f"{sisimai_result['records']:,} records)")
        print(f"  import/sisimai      {peer_ratio:8.1f}×  (target ≥ {SISIMAI_TARGET:.0f}×: {verdict(peer_ratio >= SISIMAI_TARGET)}); "
              f"import ≥ {IMPORT_TARGET:,} msg/s: {verdict(i >= IMPORT_TARGET)}")
        print("  CPU seconds (user + system) per run: import " + " / ".join(f"{u:.2f} + {s:.2f}" for u, s in import_cpu)
              + "; sisimai " + " / ".join(f"{u:.2f} + {s:.2f}" for u, s in sisimai_cpu))
        print(f"  peak memory, import: {import_mb:.0f} MB (limit {MEMORY_LIMIT_MB} MB: {verdict(import_mb < MEMORY_LIMIT_MB)}); "
              f"sisimai {sisimai_result['max_rss_kb'] / 1024:.0f} MB")
        print(f"  herald classify     {h:8,.0f} msg/s  (runs: {runs(herald)}; herald-bench classify MBOX)")
        print(f"  flufl.bounce        {f:8,.0f} msg/s  (runs: {runs(flufl)}; mailbox.mbox + email + all_failures)")
        print(f"  classify/flufl      {ratio:8.1f}×  (target ≥ {TARGET:.0f}×: {verdict(ratio >= TARGET)})")
        print(f"  bounced recipients: herald {herald_result['bounced_recipients']:,} ({herald_bounced:,} distinct addresses; "
              f"{herald_complaints:,} complaints), sisimai {sisimai_result['bounced_recipients']:,} ({sisimai_bounced:,} distinct; "
              f"{sisimai_complaints:,} complaints), flufl.bounce {flufl_result['bounced_recipients']:,} "
              f"(it raised on {flufl_result['errors']:,} messages)")
        print(f"  found by sisimai, not by herald: {len(missed):,}" + (f" (first: {missed[:5]})" if missed else ""))
        print(f"  peak memory, classify: {small_mb:.0f} MB for {size / 1e6:.0f} MB, {big_mb:.0f} MB for {big_size / 1e6:.0f} MB "
              f"(limit {MEMORY_LIMIT_MB} MB: {verdict(max(small_mb, big_mb) < MEMORY_LIMIT_MB)}); "
              f"flufl.bounce {flufl_result['max_rss_kb'] / 1024:.0f} MB")
        print(json.dumps({"benchmark": "inbox", "messages": COUNT, "mbox_bytes": size, "import_per_second": i,
                          "sisimai_per_second": p, "import_over_sisimai": peer_ratio, "import_max_rss_kb": max(import_rss),
                          "herald_per_second": h, "flufl_per_second": f, "ratio": ratio, "import_runs": imports,
                          "sisimai_runs": sisimai, "herald_runs": herald, "flufl_runs": flufl,
                          "import_cpu": import_cpu, "sisimai_cpu": sisimai_cpu,
                          "classes": herald_result["classes"], "herald_bounced": herald_bounced,
                          "herald_complaints": herald_complaints, "sisimai_bounced": sisimai_bounced,
                          "sisimai_complaints": sisimai_complaints, "sisimai": sisimai_result,
                          "flufl_bounced": flufl_result["bounced_recipients"], "missed_by_herald": len(missed),
                          "herald_max_rss_kb": herald_result["max_rss_kb"], "herald_10x_max_rss_kb": big_result["max_rss_kb"],
                          "flufl_max_rss_kb": flufl_result["max_rss_kb"]}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
