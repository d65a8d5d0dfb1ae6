#!/usr/bin/env python3
"""Describe the MIME tree of a message as Python's `email` package (policy.default) reads it.

Usage: python3 mime_tree.py FILE.eml

Prints one JSON object to stdout:
  tree      the nesting of content types, e.g.
            "multipart/mixed(multipart/alternative(text/plain,multipart/related(text/html,image/jpeg)),application/pdf)"
  parts     for every non-multipart leaf, in order: content_type, content_id (without <>),
            disposition, filename (RFC 2231 decoded), size and sha256 of the decoded bytes,
            transfer_encoding, and max_line (the longest encoded body line)
  defects   every defect Python found, on any part
  html_cids the cid: references of the text/html part

Standard library only: the independent reader Herald's MIME writer is checked against.
"""

import hashlib
import json
import re
import sys
from email import message_from_binary_file, policy


def tree(part):
    if part.is_multipart():
        return part.get_content_type() + "(" + ",".join(tree(child) for child in part.iter_parts()) + ")"
    return part.get_content_type()


def main():
    try:
        with open(sys.argv[1], "rb") as handle:
            message = message_from_binary_file(handle, policy=policy.default)
    except OSError as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    parts, defects, cids = [], [], []
    for part in message.walk():
        defects += [type(defect).__name__ for defect in part.defects]
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        raw = part.get_payload(decode=False)
        lines = raw.splitlines() if isinstance(raw, str) else []
        content_id = part.get("Content-ID")
        parts.append({
            "content_type": part.get_content_type(),
            "content_id": str(content_id).strip("<> ") if content_id else None,
            "disposition": part.get_content_disposition(),
            "filename": part.get_filename(),
            "size": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "max_line": max((len(line) for line in lines), default=0),
        })
        if part.get_content_type() == "text/html":
            cids += re.findall(r'src="cid:([^"]+)"', part.get_content())
    print(json.dumps({"tree": tree(message), "parts": parts, "defects": defects, "html_cids": cids}))


if __name__ == "__main__":
    main()
