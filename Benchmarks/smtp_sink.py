"""Postfix's smtp-sink for the benchmarks (Benchmarks/deliver.py, Benchmarks/web.py): started on
a free 127.0.0.1 port, it accepts every message and throws it away; with -c it counts them,
which the benchmarks read to check what arrived."""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time

SMTP_SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"


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

    def count_now(self):
        """Messages received so far, read at once (sessions may still be open): for rates."""
        with open(self.log_path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 256))
            tail = f.read().replace(b"\r", b"\n").split(b"\n")
        counters = [line for line in tail if b"mesg=" in line]
        return int(counters[-1].rsplit(b"mesg=", 1)[1]) if counters else 0
