#!/usr/bin/env python3
"""Verify the topmost DKIM-Signature of a message with dkimpy, the independent checker
Herald's signer is tested against.

Usage: python3 verify_dkim.py FILE.eml TXT_RECORD

TXT_RECORD is the value published in DNS ("v=DKIM1; k=rsa; p=..."); every DNS query is
answered with it, so no network is used. Prints one JSON object to stdout:
  valid      whether dkimpy accepts the signature
  queried    the DNS names dkimpy asked for (SELECTOR._domainkey.DOMAIN.)
  log        what dkimpy logged: why a signature failed

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


def main():
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
