#!/usr/bin/env python3
"""make bench: Herald's delivery against Postfix's smtp-source, to Postfix's smtp-sink, in the same run.

1. Starts Postfix's smtp-sink on a free 127.0.0.1 port: it accepts every message and
   throws it away (-c only counts, which checks what arrived).
2. Makes two workspaces with a COUNT-subscriber list (not timed). In the first,
   `herald send --queue-only` writes the campaign to the Outbox; then, ROUNDS times, a copy
   of that workspace is made (not timed) and `herald deliver --smtp smtp://127.0.0.1:PORT`
   is timed on it (release build, the whole process: claim, send over 4 connections,
   record each result in the Outbox and the delivery log), with its peak memory, followed
   each time by the libcurl floor (5.): medians are compared, and each round's ratio shown.
3. In the second, `herald send ... --smtp ... --yes` is timed end to end (compose,
   enqueue, deliver, log).
4. Times `smtp-source -d -s 4 -m COUNT -l SIZE` (Postfix's own load generator, SIZE =
   Herald's average message size) before and after Herald's runs: the floor for this sink
   and machine, as their mean.
5. Times Benchmarks/peers/curl_easy.c (built here with cc), after each herald deliver:
   libcurl alone sending COUNT
   messages of SIZE from memory over the same connections, no spool and no log: what any
   program using libcurl's SMTP client reaches on this machine, Herald's floor (issue 13:
   herald deliver ≥ 0.95× it, in the same run).
6. Sends a BIG-subscriber campaign end to end and reports its peak memory.

Usage: python3 Benchmarks/deliver.py [COUNT [BIG [ROUNDS]]]   (default 20000 100000 3)
$HERALD_BINARY runs another herald binary than .build/release/herald.
(Benchmarks/deliver_smtplib.py, the Python smtplib peer of issue 4, still runs on its own.)
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from smtp_sink import SMTP_SINK, Sink

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERALD = os.environ.get("HERALD_BINARY") or os.path.join(ROOT, ".build", "release", "herald")
RELEASE = "Releases/2020-03-31-water-report.md"
SMTP_SOURCE = shutil.which("smtp-source") or "/usr/sbin/smtp-source"
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
BIG = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 3
CONNECTIONS = 4  # Herald's default (DeliveryPolicy.connections)
TARGET_DELIVER_RATIO = 0.8
TARGET_FLOOR_RATIO = 0.95  # issue 13: herald deliver against the libcurl floor, same run
TARGET_SEND_RATIO = 0.6
TARGET_PEAK_MB = 150


def shown(argument):
    """The herald binary as a path from the repository, for printing commands."""
    return os.path.relpath(argument, ROOT) if argument == HERALD and HERALD.startswith(ROOT + os.sep) else argument


def write_csv(path, count):
    with open(path, "w", encoding="utf-8") as f:
        f.write("email,name,organization,language,beat\n")
        for i in range(count):
            f.write(f"reader{i}@example.com,Reader {i} Example,\"Example Daily, {i % 97}\",en,water\n")


def timed(command, cwd=None):
    """Runs a command; returns its wall time, its output and its own peak memory (MB)."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"benchmark failed: {' '.join(command)}\n{stdout}\n{stderr}")
    return seconds, stdout, usage.ru_maxrss / 1024


def workspace(work, name, count):
    """A fresh workspace with `count` subscribers on the list bench (not timed)."""
    ws = os.path.join(work, name)
    subprocess.run([HERALD, "init", ws], check=True, capture_output=True)
    subprocess.run([HERALD, "lists", "create", "bench", "--workspace", ws], check=True, capture_output=True)
    csv = os.path.join(work, f"{name}.csv")
    write_csv(csv, count)
    result = subprocess.run([HERALD, "lists", "import", "bench", csv, "--workspace", ws, "--json"], check=True, capture_output=True, text=True)
    assert json.loads(result.stdout)["added"] == count, result.stdout
    os.remove(csv)
    return ws


def spool_sizes_and_times(folder):
    """The message sizes (Size header) and modification times of the spool files in `folder`."""
    sizes, times = [], []
    for entry in os.scandir(folder):
        if entry.name.startswith("."):
            continue
        times.append(entry.stat().st_mtime)
        with open(entry.path, "rb") as f:
            header = f.read(2048)
        size_line = next(line for line in header.split(b"\n") if line.startswith(b"Size: "))
        sizes.append(int(size_line[6:]))
    return sizes, times


def source(sink, size):
    """smtp-source: the same count and size over the same number of connections; its rate."""
    command = [SMTP_SOURCE, "-d", "-s", str(CONNECTIONS), "-m", str(COUNT), "-l", str(size),
               "-f", "sender@example.org", "-t", "rcpt@example.com", f"127.0.0.1:{sink.port}"]
    before = sink.received()
    seconds, _, _ = timed(command)
    if sink.received() - before != COUNT:
        raise RuntimeError(f"smtp-sink received {sink.received() - before} messages from smtp-source, expected {COUNT}")
    return COUNT / seconds, seconds, command


def libcurl_floor(sink, size, work):
    """Benchmarks/peers/curl_easy.c: libcurl alone, messages in memory; its rate."""
    binary = os.path.join(work, "curl_easy")
    subprocess.run(["cc", "-O2", "-o", binary, os.path.join(ROOT, "Benchmarks", "peers", "curl_easy.c"), "-lcurl", "-lpthread"],
                   check=True, capture_output=True)
    before = sink.received()
    _, output, _ = timed([binary, str(COUNT), str(CONNECTIONS), str(size), f"smtp://127.0.0.1:{sink.port}"])
    result = json.loads(output)
    if sink.received() - before != COUNT or result["messages"] != COUNT:
        raise RuntimeError(f"the libcurl floor sent {result}, the sink received {sink.received() - before}, expected {COUNT}")
    return result["messages_per_second"]


def runs(rates):
    return " / ".join(f"{rate:,.0f}" for rate in rates)


def checked_send(sink, ws, command, count):
    """Runs a herald send or deliver that must get `count` messages to the sink; its time and peak."""
    before = sink.received()
    seconds, output, peak = timed(command)
    received = sink.received() - before
    if received != count:
        raise RuntimeError(f"smtp-sink received {received} messages from {' '.join(shown(a) for a in command)}, expected {count}:\n{output}")
    return seconds, output, peak


def main():
    for tool in [HERALD, SMTP_SINK, SMTP_SOURCE]:
        if not os.access(tool, os.X_OK):
            sys.exit(f"{tool} is missing: run `make bench` (it runs scripts/bootstrap, which installs postfix, "
                     f"and builds .build/release/herald)")
    work = tempfile.mkdtemp(prefix="herald-deliver-bench-")
    sink = None
    try:
        queued = workspace(work, "queued", COUNT)
        e2e = workspace(work, "e2e", COUNT)
        sink = Sink(work)
        relay = f"smtp://127.0.0.1:{sink.port}"
        print(f"Delivery benchmark: {COUNT:,} messages of {RELEASE} to Postfix's smtp-sink on 127.0.0.1, {CONNECTIONS} connections")
        print(f"  sink:         {' '.join(sink.command)}")

        # 1. herald deliver of a campaign already in the Outbox, against the libcurl floor:
        # ROUNDS rounds, each a deliver of a fresh copy of the queued workspace (copied before,
        # not timed) then the floor, one after the other; their medians are compared.
        queue_only = [HERALD, "send", RELEASE, "--list", "bench", "--queue-only", "--yes", "--workspace", queued]
        enqueue_seconds, _, _ = timed(queue_only)
        sizes, _ = spool_sizes_and_times(os.path.join(queued, "Outbox", "queue"))
        size = round(sum(sizes) / len(sizes))
        source_before, _, _ = source(sink, size)
        delivers, floors, deliver_peak = [], [], 0
        for _ in range(ROUNDS):
            copy = os.path.join(work, "deliver-run")
            shutil.rmtree(copy, ignore_errors=True)
            subprocess.run(["cp", "-a", queued, copy], check=True)
            deliver = [HERALD, "deliver", "--smtp", relay, "--json", "--workspace", copy]
            deliver_seconds, output, peak = checked_send(sink, copy, deliver, COUNT)
            if json.loads(output)["sent"] != COUNT:
                raise RuntimeError(f"herald deliver: {output}")
            delivers.append(COUNT / deliver_seconds)
            deliver_peak = max(deliver_peak, peak)
            floors.append(libcurl_floor(sink, size, work))
        shutil.rmtree(copy, ignore_errors=True)
        deliver_rate = statistics.median(delivers)
        floor_rate = statistics.median(floors)

        # 2. herald send end to end: compose, enqueue and deliver, on a fresh workspace.
        send = [HERALD, "send", RELEASE, "--list", "bench", "--smtp", relay, "--yes", "--workspace", e2e]
        send_seconds, _, send_peak = checked_send(sink, e2e, send, COUNT)
        send_rate = COUNT / send_seconds
        source_after, _, source_command = source(sink, size)
        source_rate = (source_before + source_after) / 2

        print(f"  smtp-source   {source_rate:>8,.0f} msg/s  (mean of a run before and after Herald's: {source_before:,.0f} and {source_after:,.0f})")
        print(f"                {' '.join(source_command)}")
        print(f"  libcurl floor {floor_rate:>8,.0f} msg/s  (median of {ROUNDS}: {runs(floors)}; Benchmarks/peers/curl_easy.c: libcurl alone, "
              f"{CONNECTIONS} threads, messages in memory; {floor_rate / source_rate:.2f}x smtp-source)")
        print(f"  herald deliver{deliver_rate:>8,.0f} msg/s  (median of {ROUNDS}: {runs(delivers)}; peak {deliver_peak:.0f} MB; {size:,} bytes/message, "
              f"enqueued by --queue-only in {enqueue_seconds:.2f} s)")
        print(f"                {' '.join(shown(a) for a in deliver[:-2])} --workspace WS")
        print(f"  herald send   {send_rate:>8,.0f} msg/s  ({send_seconds:.2f} s end to end: compose, enqueue, deliver, log; peak {send_peak:.0f} MB)")
        print(f"                {' '.join(shown(a) for a in send[:-2])} --workspace WS")

        deliver_ratio = deliver_rate / source_rate
        send_ratio = send_rate / source_rate
        def verdict(ok):
            return "meets" if ok else "MISSES"
        print(f"  deliver/smtp-source {deliver_ratio:5.2f}  (target ≥ {TARGET_DELIVER_RATIO}: {verdict(deliver_ratio >= TARGET_DELIVER_RATIO)})")
        print(f"  send/smtp-source    {send_ratio:5.2f}  (end to end; target ≥ {TARGET_SEND_RATIO}: {verdict(send_ratio >= TARGET_SEND_RATIO)})")
        floor_ratio = deliver_rate / floor_rate
        print(f"  deliver/libcurl floor {floor_ratio:5.2f}  (medians; round by round: {', '.join(f'{d / f:.2f}' for d, f in zip(delivers, floors))})")
        print(f"                          target ≥ {TARGET_FLOOR_RATIO}: {verdict(floor_ratio >= TARGET_FLOOR_RATIO)}; "
              f"Herald's spool, log and SMTP client against libcurl's SMTP client alone)", flush=True)

        # 3. A big campaign end to end: its peak memory.
        big = workspace(work, "big", BIG)
        big_send = [HERALD, "send", RELEASE, "--list", "bench", "--smtp", relay, "--yes", "--workspace", big]
        big_seconds, _, big_peak = checked_send(sink, big, big_send, BIG)
        print(f"  send {BIG:,}   {big_seconds:7.2f} s  ({BIG / big_seconds:,.0f} msg/s), peak {big_peak:.0f} MB "
              f"(target < {TARGET_PEAK_MB} MB: {verdict(big_peak < TARGET_PEAK_MB)})")
        print(json.dumps({"benchmark": "deliver", "count": COUNT, "connections": CONNECTIONS, "average_bytes": size,
                          "smtp_source": {"messages_per_second": source_rate, "before": source_before, "after": source_after},
                          "libcurl_floor": {"messages_per_second": floor_rate, "runs": floors},
                          "herald_deliver": {"messages_per_second": deliver_rate, "runs": delivers, "peak_mb": deliver_peak},
                          "herald_send": {"seconds": send_seconds, "messages_per_second": send_rate, "peak_mb": send_peak},
                          "deliver_over_smtp_source": deliver_ratio, "send_over_smtp_source": send_ratio,
                          "deliver_over_libcurl_floor": floor_ratio,
                          "big_send": {"count": BIG, "seconds": big_seconds, "peak_mb": big_peak}}))
    except RuntimeError as error:
        sys.exit(str(error))
    finally:
        if sink:
            sink.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
