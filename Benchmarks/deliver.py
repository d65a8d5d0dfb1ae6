#!/usr/bin/env python3
"""make bench: Herald's delivery against smtp-source and smtplib, to Postfix's smtp-sink, in the same run.

1. Starts Postfix's smtp-sink on a free 127.0.0.1 port: it accepts every message and
   throws it away (no dump files; -c only counts, which checks what arrived).
2. Makes a fresh workspace with a COUNT-subscriber list (import not timed), then times
   `herald send RELEASE --list bench --smtp smtp://127.0.0.1:PORT --yes` (release build,
   the whole process: compose, enqueue, deliver over 4 connections, log each attempt),
   and its own peak resident memory (wait4). The sent/ files' times show when results came.
3. Times `smtp-source -d -s 4 -m COUNT -l SIZE …` (Postfix's own load generator, SIZE =
   Herald's average message size): the floor for this sink and this machine.
4. Times Benchmarks/deliver_smtplib.py sending the very messages Herald sent (read from
   Outbox/sent/) over 4 connections, one recipient per transaction.
5. Times `herald send --queue-only --yes` of a ENQUEUE-subscriber list on a fresh workspace.

Usage: python3 Benchmarks/deliver.py [COUNT [ENQUEUE]]   (default 20000 100000)
$HERALD_BINARY runs another herald binary than .build/release/herald.
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
ENQUEUE = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
CONNECTIONS = 4  # Herald's default (DeliveryPolicy.connections)
TARGET_SOURCE_RATIO = 0.5
TARGET_PYTHON_RATIO = 5
TARGET_PEAK_MB = 150
TARGET_ENQUEUE_SECONDS = 10


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


def main():
    for tool in [HERALD, SMTP_SINK, SMTP_SOURCE]:
        if not os.access(tool, os.X_OK):
            sys.exit(f"{tool} is missing: run `make bench` (it runs scripts/bootstrap, which installs postfix, "
                     f"and builds .build/release/herald)")
    work = tempfile.mkdtemp(prefix="herald-deliver-bench-")
    sink = None
    try:
        ws = workspace(work, "ws", COUNT)
        sink = Sink(work)
        relay = f"smtp://127.0.0.1:{sink.port}"
        print(f"Delivery benchmark: {COUNT:,} messages of {RELEASE} to Postfix's smtp-sink on 127.0.0.1, {CONNECTIONS} connections")
        print(f"  sink:         {' '.join(sink.command)}")

        # Herald, end to end.
        send = [HERALD, "send", RELEASE, "--list", "bench", "--smtp", relay, "--yes", "--workspace", ws]
        wall_start = time.time()
        herald_seconds, output, herald_peak_mb = timed(send)
        wall_end = time.time()
        reports = [name for name in os.listdir(os.path.join(ws, "Outbox", "reports")) if name.endswith(".json")]
        with open(os.path.join(ws, "Outbox", "reports", reports[0])) as f:
            report = json.load(f)
        if report["sent"] != COUNT or report["enqueued"] != COUNT:
            raise RuntimeError(f"herald sent {report['sent']} of {report['enqueued']} enqueued, expected {COUNT}:\n{output}")
        herald_received = sink.received()
        if herald_received != COUNT:
            raise RuntimeError(f"smtp-sink received {herald_received} messages from herald, expected {COUNT}")
        sent_folder = os.path.join(ws, "Outbox", "sent")
        sizes, times = spool_sizes_and_times(sent_folder)
        size = round(sum(sizes) / len(sizes))
        # Phases from the spool: a sent/ file's time is when its result was recorded.
        first, last = min(times), max(times)
        herald_rate = COUNT / herald_seconds
        print(f"  herald send   {herald_rate:>8,.0f} msg/s  ({herald_seconds:.2f} s end to end, peak {herald_peak_mb:.0f} MB, "
              f"{size:,} bytes/message; first result after {first - wall_start:.2f} s, results over {last - first:.2f} s "
              f"({(COUNT - 1) / max(last - first, 1e-9):,.0f} msg/s; composing and enqueueing overlap them), after the last {wall_end - last:.2f} s)")
        print(f"                {' '.join(shown(a) for a in send[:-2])} --workspace WS")

        # smtp-source: the same count and size over the same number of connections.
        source = [SMTP_SOURCE, "-d", "-s", str(CONNECTIONS), "-m", str(COUNT), "-l", str(size),
                  "-f", "sender@example.org", "-t", "rcpt@example.com", f"127.0.0.1:{sink.port}"]
        before = sink.received()
        source_seconds, _, _ = timed(source)
        if sink.received() - before != COUNT:
            raise RuntimeError(f"smtp-sink received {sink.received() - before} messages from smtp-source, expected {COUNT}")
        source_rate = COUNT / source_seconds
        print(f"  smtp-source   {source_rate:>8,.0f} msg/s  ({source_seconds:.2f} s)")
        print(f"                {' '.join(source)}")

        def python_peer(label, arguments, count, what, shown_arguments):
            """Runs Benchmarks/deliver_smtplib.py, checks the sink got every message, prints its line."""
            before = sink.received()
            _, output, _ = timed([sys.executable, os.path.join(ROOT, "Benchmarks", "deliver_smtplib.py")] + arguments)
            result = json.loads(output)
            if result["messages"] != count or sink.received() - before != count:
                raise RuntimeError(f"{label} peer: {result}, sink received {sink.received() - before}, expected {count}")
            print(f"  {label:<14}{result['messages_per_second']:>8,.0f} msg/s  ({result['seconds']:.2f} s {what}; "
                  f"{result['average_bytes']:,} bytes/message)")
            print(f"                python3 Benchmarks/deliver_smtplib.py {shown_arguments}")
            return result

        relay_arguments = ["127.0.0.1", str(sink.port), str(CONNECTIONS)]
        # Python smtplib: Herald's own messages from Outbox/sent/.
        python = python_peer("python smtplib", [sent_folder] + relay_arguments, COUNT, "sending",
                             f"WS/Outbox/sent 127.0.0.1 PORT {CONNECTIONS}")
        # Python end to end: composing each message with `email` and sending it (about 200
        # msg/s: a fifth of the count gives its rate in a fifth of the time).
        e2e_count = max(COUNT // 5, 1)
        python_e2e = python_peer("python e2e", ["--compose", os.path.join(ROOT, RELEASE), str(e2e_count)] + relay_arguments,
                                 e2e_count, "composing with email and sending",
                                 f"--compose {RELEASE} {e2e_count} 127.0.0.1 PORT {CONNECTIONS}")

        source_ratio = herald_rate / source_rate
        python_ratio = herald_rate / python["messages_per_second"]
        e2e_ratio = herald_rate / python_e2e["messages_per_second"]
        def verdict(ok):
            return "meets" if ok else "MISSES"
        print(f"  herald/smtp-source {source_ratio:6.2f}  (target ≥ {TARGET_SOURCE_RATIO}: {verdict(source_ratio >= TARGET_SOURCE_RATIO)})")
        print(f"  herald/python      {python_ratio:6.2f}  (sending Herald's bytes; target ≥ {TARGET_PYTHON_RATIO}: {verdict(python_ratio >= TARGET_PYTHON_RATIO)})")
        print(f"  herald/python e2e  {e2e_ratio:6.2f}  (composing and sending; target ≥ {TARGET_PYTHON_RATIO}: {verdict(e2e_ratio >= TARGET_PYTHON_RATIO)})")
        print(f"  herald peak        {herald_peak_mb:6.0f} MB  (target < {TARGET_PEAK_MB} MB: {verdict(herald_peak_mb < TARGET_PEAK_MB)})", flush=True)
        # The first workspace stays until the end: on ext4 without a journal (this machine's
        # disk), new inodes are slow to find for some seconds after many are deleted.

        # Enqueueing a big campaign, on a fresh workspace.
        big = workspace(work, "big", ENQUEUE)
        queue_only = [HERALD, "send", RELEASE, "--list", "bench", "--queue-only", "--yes", "--workspace", big]
        enqueue_seconds, output, enqueue_peak_mb = timed(queue_only)
        if f"Enqueued {ENQUEUE:,} messages" not in output:
            raise RuntimeError(f"herald did not enqueue {ENQUEUE:,} messages:\n{output}")
        print(f"  enqueue {ENQUEUE:,} {enqueue_seconds:7.2f} s  ({ENQUEUE / enqueue_seconds:,.0f} msg/s, peak {enqueue_peak_mb:.0f} MB; "
              f"target < {TARGET_ENQUEUE_SECONDS} s: {verdict(enqueue_seconds < TARGET_ENQUEUE_SECONDS)})")
        print(f"                {' '.join(shown(a) for a in queue_only[:-2])} --workspace WS")
        print(json.dumps({"benchmark": "deliver", "count": COUNT, "connections": CONNECTIONS, "average_bytes": size,
                          "herald": {"seconds": herald_seconds, "messages_per_second": herald_rate, "peak_mb": herald_peak_mb,
                                     "until_first_result": first - wall_start, "results": last - first, "after_last_result": wall_end - last},
                          "smtp_source": {"seconds": source_seconds, "messages_per_second": source_rate},
                          "python": python, "python_end_to_end": python_e2e, "herald_over_smtp_source": source_ratio,
                          "herald_over_python": python_ratio, "herald_over_python_end_to_end": e2e_ratio,
                          "enqueue": {"count": ENQUEUE, "seconds": enqueue_seconds, "peak_mb": enqueue_peak_mb}}))
    except RuntimeError as error:
        sys.exit(str(error))
    finally:
        if sink:
            sink.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
