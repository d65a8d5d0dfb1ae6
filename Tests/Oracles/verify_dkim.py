#!/usr/bin/env python3
"""Verify the topmost DKIM-Signature of a message with dkimpy, the independent checker
Herald's signer is tested against.

Usage: python3 verify_dkim.py FILE.eml TXT_RECORD
       python3 verify_dkim.py --each FILE.eml NAME=TXT_RECORD...

TXT_RECORD is the value published in DNS ("v=DKIM1; k=rsa; p=..."); every DNS query is
answered with it, so no network is used. Prints one JSON object to stdout:
  valid      whether dkimpy accepts the signature
  queried    the DNS names dkimpy asked for (SELECTOR._domainkey.DOMAIN.)
  log        what dkimpy logged: why a signature failed

With --each, every DKIM-Signature of the message is verified on its own, each DNS name
(SELECTOR._domainkey.DOMAIN, without the final dot) answered with its record; it prints
{"signatures": [{"valid", "domain", "selector", "algorithm", "log"}, ...]}, topmost first.

Exits 0 whatever the verdict; 2 when the file cannot be read or dkimpy is missing
(scripts/bootstrap installs dkimpy and PyNaCl, which it needs for ed25519).
"""

import io
import json
import logging
import sys

try:
    import dkim
except ImportError:
    print("dkimpy is not installed: run scripts/bootstrap (pip install dkimpy pynacl)", file=sys.stderr)
    sys.exit(2)


def each(path, records):
    with open(path, "rb") as file:
        message = file.read()
    table = {}
    for item in records:
        name, _, value = item.partition("=")
        table[name.rstrip(".").lower()] = value.encode("ascii")

    def dnsfunc(name, timeout=5):
        return table.get(name.decode("ascii", "replace").rstrip(".").lower(), b"")

    signatures = []
    count = sum(1 for line in message.split(b"\r\n\r\n", 1)[0].split(b"\r\n") if line.lower().startswith(b"dkim-signature:"))
    for index in range(count):
        log = io.StringIO()
        logger = logging.getLogger(f"verify_dkim_{index}")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(logging.StreamHandler(log))
        verifier = dkim.DKIM(message, logger=logger)
        valid = verifier.verify(idx=index, dnsfunc=dnsfunc)
        tags = verifier.signature_fields
        signatures.append({
            "valid": bool(valid), "domain": tags.get(b"d", b"").decode(), "selector": tags.get(b"s", b"").decode(),
            "algorithm": tags.get(b"a", b"").decode(), "log": log.getvalue(),
        })
    print(json.dumps({"signatures": signatures}))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--each":
        each(sys.argv[2], sys.argv[3:])
        return
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        with open(sys.argv[1], "rb") as file:
            message = file.read()
    except OSError as error:
        print(f"cannot read {sys.argv[1]}: {error}", file=sys.stderr)
        sys.exit(2)
    record = sys.argv[2].encode("ascii")

    queried = []

    # dkimpy calls dnsfunc(name, timeout=...) with name as bytes, ending in a dot.
    def dnsfunc(name, timeout=5):
        queried.append(name.decode("ascii", "replace"))
        return record

    log = io.StringIO()
    logger = logging.getLogger("verify_dkim")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(logging.StreamHandler(log))
    valid = dkim.verify(message, logger=logger, dnsfunc=dnsfunc)
    print(json.dumps({"valid": bool(valid), "queried": queried, "log": log.getvalue()}))


if __name__ == "__main__":
    main()
