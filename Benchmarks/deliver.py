#!/usr/bin/env python3
"""make bench: Herald's delivery against Postfix's smtp-source, to Postfix's smtp-sink, in the same run.

1. Starts Postfix's smtp-sink on a free 127.0.0.1 port: it accepts every message and
   throws it away (-c only counts, which checks what arrived).
2. Makes two workspaces with a COUNT-subscriber list (not timed). In the first,
   `herald send --queue-only` writes the campaign to the Outbox, then
   `herald deliver --smtp smtp://127.0.0.1:PORT` is timed (release build, the whole
   process: claim, send over 4 connections, record each result in the Outbox and the
   delivery log), with its peak memory.
3. In the second, `herald send ... --smtp ... --yes` is timed end to end (compose,
   enqueue, deliver, log).
4. Times `smtp-source -d -s 4 -m COUNT -l SIZE` (Postfix's own load generator, SIZE =
   Herald's average message size) before and after Herald's runs: the floor for this sink
   and machine, as their mean.
5. Times Benchmarks/peers/curl_easy.c (built here with cc): libcurl alone sending COUNT
   messages of SIZE from memory over the same connections, no spool and no log: what any
   libcurl program reaches on this machine, Herald's floor.
6. Sends a BIG-subscriber campaign end to end and reports its peak memory.

Usage: python3 Benchmarks/deliver.py [COUNT [BIG]]   (default 20000 100000)
$HERALD_BINARY runs another herald binary than .build/release/herald.
(Benchmarks/deliver_smtplib.py, the Python smtplib peer of issue 4, still runs on its own.)
"""
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERALD = os.environ.get("HERALD_BINARY") or os.path.join(ROOT, ".build", "release", "herald")
RELEASE = "Releases/2020-03-31-water-report.md"
SMTP_SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
SMTP_SOURCE = shutil.which("smtp-source") or "/usr/sbin/smtp-source"
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
BIG = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
CONNECTIONS = 4  # Herald's default (DeliveryPolicy.connections)
TARGET_DELIVER_RATIO = 0.8
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


class Sink:
    """Postfix's smtp-sink on a free loopback port; counts what it received (-c)."""

    def __init__(self, work):
        self.log_path = os.path.join(work, "smtp-sink.out")
        self.process = None
        for _ in range(5):
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
            user = pwd.getpwuid(os.getuid()).pw_name  # -u is required when run as root
            self.command = [SMTP_SINK, "-c", "-u", user, f"127.0.0.1:{self.port}", "1000"]
            self.log = open(self.log_path, "wb")
            self.process = subprocess.Popen(self.command, stdout=self.log, stderr=subprocess.STDOUT)
            if self.wait_listening():
                return
            self.stop()
        raise RuntimeError(f"smtp-sink did not start: {open(self.log_path, errors='replace').read()}")

    def wait_listening(self):
        for _ in range(100):
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    probe.recv(100)  # the greeting
                    probe.sendall(b"QUIT\r\n")
                    probe.recv(100)
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def received(self):
        """Messages received so far (its last "mesg=N" counter), once the sessions have ended."""
        last, stable = -1, 0
        while stable < 3:  # the counter settles when every session has quit
            time.sleep(0.1)
            with open(self.log_path, "rb") as f:
                tail = f.read().replace(b"\r", b"\n").split(b"\n")
            counters = [line for line in tail if b"mesg=" in line]
            value = int(counters[-1].rsplit(b"mesg=", 1)[1]) if counters else 0
            stable = stable + 1 if value == last else 0
            last = value
        return last

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


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

        # 1. herald deliver of a campaign already in the Outbox.
        queue_only = [HERALD, "send", RELEASE, "--list", "bench", "--queue-only", "--yes", "--workspace", queued]
        enqueue_seconds, _, _ = timed(queue_only)
        sizes, _ = spool_sizes_and_times(os.path.join(queued, "Outbox", "queue"))
        size = round(sum(sizes) / len(sizes))
        source_before, _, _ = source(sink, size)
        deliver = [HERALD, "deliver", "--smtp", relay, "--json", "--workspace", queued]
        deliver_seconds, output, deliver_peak = checked_send(sink, queued, deliver, COUNT)
        if json.loads(output)["sent"] != COUNT:
            raise RuntimeError(f"herald deliver: {output}")
        deliver_rate = COUNT / deliver_seconds

        # 2. herald send end to end: compose, enqueue and deliver, on a fresh workspace.
        send = [HERALD, "send", RELEASE, "--list", "bench", "--smtp", relay, "--yes", "--workspace", e2e]
        send_seconds, _, send_peak = checked_send(sink, e2e, send, COUNT)
        send_rate = COUNT / send_seconds
        floor_rate = libcurl_floor(sink, size, work)
        source_after, _, source_command = source(sink, size)
        source_rate = (source_before + source_after) / 2

        print(f"  smtp-source   {source_rate:>8,.0f} msg/s  (mean of a run before and after Herald's: {source_before:,.0f} and {source_after:,.0f})")
        print(f"                {' '.join(source_command)}")
        print(f"  libcurl floor {floor_rate:>8,.0f} msg/s  (Benchmarks/peers/curl_easy.c: libcurl alone, {CONNECTIONS} threads, messages in memory; "
              f"{floor_rate / source_rate:.2f}x smtp-source)")
        print(f"  herald deliver{deliver_rate:>8,.0f} msg/s  ({deliver_seconds:.2f} s, peak {deliver_peak:.0f} MB; {size:,} bytes/message, enqueued by --queue-only in {enqueue_seconds:.2f} s)")
        print(f"                {' '.join(shown(a) for a in deliver[:-2])} --workspace WS")
        print(f"  herald send   {send_rate:>8,.0f} msg/s  ({send_seconds:.2f} s end to end: compose, enqueue, deliver, log; peak {send_peak:.0f} MB)")
        print(f"                {' '.join(shown(a) for a in send[:-2])} --workspace WS")

        deliver_ratio = deliver_rate / source_rate
        send_ratio = send_rate / source_rate
        def verdict(ok):
            return "meets" if ok else "MISSES"
        print(f"  deliver/smtp-source {deliver_ratio:5.2f}  (target ≥ {TARGET_DELIVER_RATIO}: {verdict(deliver_ratio >= TARGET_DELIVER_RATIO)})")
        print(f"  send/smtp-source    {send_ratio:5.2f}  (end to end; target ≥ {TARGET_SEND_RATIO}: {verdict(send_ratio >= TARGET_SEND_RATIO)})")
        print(f"  deliver/libcurl floor {deliver_rate / floor_rate:5.2f}  (what Herald's spool, log and bookkeeping cost over libcurl alone)", flush=True)

        # 3. A big campaign end to end: its peak memory.
        big = workspace(work, "big", BIG)
        big_send = [HERALD, "send", RELEASE, "--list", "bench", "--smtp", relay, "--yes", "--workspace", big]
        big_seconds, _, big_peak = checked_send(sink, big, big_send, BIG)
        print(f"  send {BIG:,}   {big_seconds:7.2f} s  ({BIG / big_seconds:,.0f} msg/s), peak {big_peak:.0f} MB "
              f"(target < {TARGET_PEAK_MB} MB: {verdict(big_peak < TARGET_PEAK_MB)})")
        print(json.dumps({"benchmark": "deliver", "count": COUNT, "connections": CONNECTIONS, "average_bytes": size,
                          "smtp_source": {"messages_per_second": source_rate, "before": source_before, "after": source_after},
                          "libcurl_floor": {"messages_per_second": floor_rate},
                          "herald_deliver": {"seconds": deliver_seconds, "messages_per_second": deliver_rate, "peak_mb": deliver_peak},
                          "herald_send": {"seconds": send_seconds, "messages_per_second": send_rate, "peak_mb": send_peak},
                          "deliver_over_smtp_source": deliver_ratio, "send_over_smtp_source": send_ratio,
                          "big_send": {"count": BIG, "seconds": big_seconds, "peak_mb": big_peak}}))
    except RuntimeError as error:
        sys.exit(str(error))
    finally:
        if sink:
            sink.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
