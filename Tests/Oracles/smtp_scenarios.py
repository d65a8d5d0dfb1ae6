#!/usr/bin/env python3
"""An SMTP server on 127.0.0.1 that plays one transport scenario for Herald's tests (aiosmtpd).

Usage: smtp_scenarios.py PORT_FILE DIRECTORY MODE [pipelining]
Listens on a port the system picks, writes it to PORT_FILE, and runs until killed. With
"pipelining", EHLO offers PIPELINING (RFC 2920), every MAIL FROM appends to
DIRECTORY/pipelined.log whether the commands after it had already arrived with it (1) or
not (0): what a client that pipelines sends in one write; and every message accepted
appends to DIRECTORY/ahead.log whether the next transaction's commands came with its end.

MODE is one of
  plain       no TLS, no AUTH;
  starttls    STARTTLS required (530 before it), certificate DIRECTORY/cert.pem + key.pem;
  smtps       TLS from the first byte (implicit TLS), same certificate;
  auth-plain  STARTTLS required, then AUTH PLAIN (the only mechanism offered) required;
  auth-login  the same with AUTH LOGIN only;
  silent      accepts connections and never says a word (not even the greeting).
AUTH checks against DIRECTORY/credentials.json ({"username": …, "password": …}, a file and not
argv, like Herald's own password) and appends every attempt to DIRECTORY/auth.jsonl.

Recipients choose what happens (in every mode but silent), by a word in the local part:
  reject  → 550 5.1.1 at RCPT          defer → 451 4.7.1 at RCPT
  busy    → 450 4.2.1 at RCPT          full  → 552 5.2.2 at RCPT
  denied  → 554 5.7.1 at RCPT          closing → 421 4.3.2 at RCPT, then the server hangs up
  drop    → the server hangs up after the first 1024 bytes of the message body
  stall   → the whole message is read, and the reply after DATA never comes
A sender with "badsender" in its local part gets 553 5.1.8 at MAIL FROM.
Everything else is accepted. Each accepted message is written to DIRECTORY/mail/N.eml (the
exact bytes after dot-unstuffing) with DIRECTORY/mail/N.json holding its envelope, the
number of the connection it came on (1, 2, …), and whether that connection was TLS; every
MAIL FROM address is appended to DIRECTORY/mail_from.log.
"""
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

PORT_FILE, DIRECTORY, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
PIPELINING = len(sys.argv) > 4 and sys.argv[4] == "pipelining"
MAILDIR = os.path.join(DIRECTORY, "mail")
# A test runner may start us with signals blocked (the mask is inherited): unblock them,
# so that the test's SIGTERM stops us.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
os.makedirs(MAILDIR, exist_ok=True)

RCPT_REPLIES = [
    ("reject", "550 5.1.1 <{}>: Recipient address rejected: no such user"),
    ("defer", "451 4.7.1 <{}>: Try again later"),
    ("busy", "450 4.2.1 <{}>: Mailbox busy"),
    ("full", "552 5.2.2 <{}>: Mailbox full"),
    ("denied", "554 5.7.1 <{}>: Relay access denied"),
]


def local_part(address):
    return address.split("@")[0]


class Handler:
    """Recipients' replies and the stalled DATA; writes what it accepts."""

    count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        for word, reply in RCPT_REPLIES:
            if word in local_part(address):
                return reply.format(address)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if PIPELINING:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with open(os.path.join(DIRECTORY, "mail_from.log"), "a") as f:
            f.write(address + "\n")
        if PIPELINING:
            # What the client sent after MAIL FROM in the same write is already buffered.
            with open(os.path.join(DIRECTORY, "pipelined.log"), "a") as f:
                f.write("1\n" if server._reader._buffer else "0\n")
        if "badsender" in local_part(address):
            return "553 5.1.8 <%s>: Sender address rejected: Domain not found" % address
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any("stall" in local_part(r) for r in envelope.rcpt_tos):
            await asyncio.sleep(3600)  # the client's timeout ends this connection first
        if any("slow" in local_part(r) for r in envelope.rcpt_tos):
            await asyncio.sleep(0.2)  # a relay that takes its time: a send lasts long enough to be interrupted
        Handler.count += 1
        number = Handler.count
        with open(os.path.join(MAILDIR, f"{number}.eml"), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        # The envelope last, whole (by rename): a reader that sees N.json finds both files complete.
        with open(os.path.join(MAILDIR, f"{number}.json.tmp"), "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "connection": server.connection_number, "tls": session.ssl is not None or MODE == "smtps",
                       "login": (session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None)}, f)
        os.rename(os.path.join(MAILDIR, f"{number}.json.tmp"), os.path.join(MAILDIR, f"{number}.json"))
        if PIPELINING:
            with open(os.path.join(DIRECTORY, "ahead.log"), "a") as f:
                f.write("1\n" if server._reader._buffer else "0\n")
        return f"250 2.0.0 Ok: queued as {number}"


def authenticator(server, session, envelope, mechanism, auth_data):
    with open(os.path.join(DIRECTORY, "credentials.json")) as f:
        expected = json.load(f)
    login, password = auth_data.login.decode(), auth_data.password.decode()
    success = login == expected["username"] and password == expected["password"]
    with open(os.path.join(DIRECTORY, "auth.jsonl"), "a") as f:
        f.write(json.dumps({"mechanism": mechanism, "username": login, "password": password,
                            "tls": session.ssl is not None, "success": success}) + "\n")
    # handled=False: aiosmtpd answers a failure with its 535 5.7.8 (handled=True would be silence).
    return AuthResult(success=success, handled=False, auth_data=auth_data)


class Scenario(SMTP):
    """aiosmtpd's server with the faults that its handler hooks cannot make: hanging up."""

    connections = 0

    def connection_made(self, transport):
        # STARTTLS calls this a second time for the same connection: count only the first.
        if self.transport is None:
            Scenario.connections += 1
            self.connection_number = Scenario.connections
        super().connection_made(transport)

    async def smtp_RCPT(self, arg):
        if arg and "closing" in arg.lower():
            # A relay going down answers 421 and closes (RFC 5321 §3.8).
            await self.push("421 4.3.2 Service shutting down, closing transmission channel")
            self.transport.close()
            return
        await super().smtp_RCPT(arg)

    async def smtp_DATA(self, arg):
        if self.envelope and any("drop" in local_part(r) for r in self.envelope.rcpt_tos):
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.readexactly(1024)
            self.transport.abort()  # gone mid-body, without a word
            return
        await super().smtp_DATA(arg)


class Silent(asyncio.Protocol):
    """Accepts a connection and never sends its greeting."""

    def connection_made(self, transport):
        self.transport = transport


def tls_context():
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(DIRECTORY, "cert.pem"), os.path.join(DIRECTORY, "key.pem"))
    return context


def factory(loop):
    handler = Handler()
    if MODE == "plain" or MODE == "smtps":
        return lambda: Scenario(handler, hostname="scenario.test", loop=loop)
    if MODE == "starttls":
        context = tls_context()
        return lambda: Scenario(handler, hostname="scenario.test", loop=loop, tls_context=context, require_starttls=True)
    if MODE in ("auth-plain", "auth-login"):
        context = tls_context()
        exclude = ["LOGIN"] if MODE == "auth-plain" else ["PLAIN"]
        return lambda: Scenario(handler, hostname="scenario.test", loop=loop, tls_context=context, require_starttls=True,
                                auth_required=True, authenticator=authenticator, auth_exclude_mechanism=exclude)
    if MODE == "silent":
        return Silent
    sys.exit(f"smtp_scenarios.py: unknown mode {MODE!r}; use plain, starttls, smtps, auth-plain, auth-login or silent")


def main():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    ssl_context = tls_context() if MODE == "smtps" else None
    server = loop.run_until_complete(loop.create_server(factory(loop), "127.0.0.1", 0, ssl=ssl_context))
    port = server.sockets[0].getsockname()[1]
    with open(PORT_FILE + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(PORT_FILE + ".tmp", PORT_FILE)
    try:
        loop.run_forever()
    finally:
        server.close()


main()
