#!/usr/bin/env python3
"""A scripted SMTP server on 127.0.0.1 for Herald's delivery tests (aiosmtpd).

Usage: smtp_server.py PORT_FILE MAILDIR
Listens on a port the system picks, writes it to PORT_FILE, and runs until killed.
Recipients decide the reply to RCPT TO: a local part containing
  "reject" → 550 5.1.1, "defer" → 451 4.7.1, "full" → 552 5.2.2, "denied" → 554 5.7.1;
everything else is accepted. Each accepted message is written to MAILDIR/N.eml (the exact
bytes after dot-unstuffing) with MAILDIR/N.json holding its envelope.
"""
import json
import os
import signal
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

PORT_FILE, MAILDIR = sys.argv[1], sys.argv[2]
# A test runner may start us with signals blocked (the mask is inherited): unblock them,
# so that the test's SIGTERM stops us.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
os.makedirs(MAILDIR, exist_ok=True)


class Scripted:
    count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        for word, reply in [("reject", "550 5.1.1 <%s>: Recipient address rejected: no such user" % address),
                            ("defer", "451 4.7.1 <%s>: Try again later" % address),
                            ("full", "552 5.2.2 <%s>: Mailbox full" % address),
                            ("denied", "554 5.7.1 <%s>: Relay access denied" % address)]:
            if word in local:
                return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        Scripted.count += 1
        number = Scripted.count
        with open(os.path.join(MAILDIR, f"{number}.eml"), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        # The envelope last, whole (by rename): a reader that sees N.json finds both files complete.
        with open(os.path.join(MAILDIR, f"{number}.json.tmp"), "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "peer": session.peer[1]}, f)
        os.rename(os.path.join(MAILDIR, f"{number}.json.tmp"), os.path.join(MAILDIR, f"{number}.json"))
        return f"250 2.0.0 Ok: queued as {number}"


class Server(Controller):
    def factory(self):
        return SMTP(self.handler, decode_data=False, enable_SMTPUTF8=False)


def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# aiosmtpd checks its server by connecting to the port it was given, so it cannot take
# port 0: take a free one (and try again in the unlikely case it is gone by then).
for attempt in range(5):
    port = free_port()
    controller = Server(Scripted(), hostname="127.0.0.1", port=port)
    try:
        controller.start()
        break
    except Exception:
        if attempt == 4:
            raise
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(port))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
try:
    signal.pause()
finally:
    controller.stop()
