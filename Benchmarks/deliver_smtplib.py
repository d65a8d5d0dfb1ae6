#!/usr/bin/env python3
"""The delivery benchmark's Python peer: Herald's own messages sent with smtplib.

Reads every spool file in an Outbox folder (format: Sources/HeraldDelivery/Outbox/
OutboxMessage+File.swift: a header block of "Key: value" lines ending in an empty line,
then exactly Size bytes of message, then a trailer of the results appended since), then sends them to the relay over CONNECTIONS
connections: one thread per connection, one smtplib.SMTP each, reused for every message,
one recipient per transaction (MAIL, RCPT, DATA), as Herald does. Only the sending is
timed; reading the spool comes first.

With --compose RELEASE COUNT instead of SPOOL_DIR it is the end-to-end peer: each thread
composes its share of COUNT messages with Python's `email` package (the compose benchmark's
peer, Benchmarks/peers/compose_python.py) and sends each as it is made; all of it is timed.

Usage: python3 Benchmarks/deliver_smtplib.py SPOOL_DIR HOST PORT [CONNECTIONS]
       python3 Benchmarks/deliver_smtplib.py --compose RELEASE COUNT HOST PORT [CONNECTIONS]
Prints one JSON object: messages, seconds, messages_per_second, average_bytes.
"""
import json
import os
import smtplib
import sys
import threading
import time


def unescape(value):
    """Undoes the spool's %XX escapes (of "%", control characters and DEL)."""
    if b"%" not in value:
        return value.decode()
    out = bytearray()
    i = 0
    while i < len(value):
        if value[i] == 0x25:
            out.append(int(value[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(value[i])
            i += 1
    return out.decode()


def read_spool_file(path):
    """Returns (sender, recipient, message bytes) of one spool file."""
    with open(path, "rb") as f:
        data = f.read()
    end = data.index(b"\n\n")
    fields = {}
    for line in data[:end].split(b"\n")[1:]:
        key, _, value = line.partition(b": ")
        fields[key.decode()] = unescape(value)
    size = int(fields["Size"])
    body = data[end + 2:end + 2 + size]  # what follows is the trailer of results
    if len(body) != size:
        raise ValueError(f"{path}: Size says {size} bytes, {len(body)} follow")
    return fields["Sender"], fields["Recipient"], body


def send_all(messages, host, port):
    """One connection, reused: MAIL, RCPT, DATA per message."""
    with smtplib.SMTP(host, port) as smtp:
        smtp.ehlo("bench.example.org")
        for sender, recipient, body in messages:
            refused = smtp.sendmail(sender, [recipient], body)
            if refused:
                raise RuntimeError(f"refused: {refused}")


class Composed:
    """A share of the end-to-end peer's messages, composed as they are iterated."""

    def __init__(self, composer, indices, sizes):
        self.composer, self.indices, self.sizes = composer, indices, sizes

    def __iter__(self):
        for index in self.indices:
            recipient, body = self.composer.message(index)
            self.sizes.append(len(body))
            yield "press@example.org", recipient, body


def main():
    sizes = []
    if sys.argv[1] == "--compose":
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
        from compose_python import Composer
        release, count, host, port = sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
        connections = int(sys.argv[6]) if len(sys.argv) > 6 else 4
        composer = Composer(release)
        shares = [Composed(composer, range(i, count, connections), sizes) for i in range(connections)]
        messages = range(count)
    else:
        spool, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
        connections = int(sys.argv[4]) if len(sys.argv) > 4 else 4
        messages = [read_spool_file(os.path.join(spool, name)) for name in sorted(os.listdir(spool)) if not name.startswith(".")]
        sizes = [len(body) for _, _, body in messages]
        shares = [messages[i::connections] for i in range(connections)]
    errors = []

    def worker(share):
        try:
            send_all(share, host, port)
        except Exception as error:  # reported below; a thread cannot raise to main
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(share,)) for share in shares]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    if errors:
        sys.exit(f"smtplib peer failed: {errors[0]!r}")
    print(json.dumps({"messages": len(messages), "seconds": seconds, "messages_per_second": len(messages) / seconds,
                      "average_bytes": round(sum(sizes) / max(len(sizes), 1))}))


if __name__ == "__main__":
    main()
