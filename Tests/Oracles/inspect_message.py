#!/usr/bin/env python3
"""Describe an RFC 5322 message as Python's `email` package (policy.default) reads it.

Usage: python3 inspect_message.py FILE.eml

Prints one JSON object to stdout:
  defects              every defect on the message, on each part and on each header,
                       walked recursively ("Type: text" strings)
  headers              {name: [decoded value, ...]} for the top-level header, in order
  addresses            {name: [{"display_name", "addr_spec"}, ...]} for address headers
  parts                [{"content_type", "charset", "transfer_encoding", "content"}] for every
                       non-multipart leaf, in order; "content" is part.get_content(), or its
                       base64 with "content_is_base64": true when that is bytes
  content_type         the top-level content type
  max_line_octets      the longest line of the raw bytes, without its line break
  bare_lf, bare_cr     whether the raw bytes hold an LF not after a CR, a CR not before an LF
  boundary_in_content  whether any multipart boundary occurs in any leaf's encoded payload

Exits 0 whatever the message holds; 2 when the file cannot be read. Standard library only:
this is the independent reader Herald's own writer is checked against.
"""

import base64
import io
import json
import re
import sys
from email import message_from_binary_file, policy


def describe_defect(defect, where):
    text = str(defect)
    name = type(defect).__name__
    label = f"{name}: {text}" if text else name
    return f"{where}: {label}" if where else label


def collect_defects(message):
    defects = []
    for index, part in enumerate(message.walk()):
        where = "message" if index == 0 else f"part {index} ({part.get_content_type()})"
        for defect in part.defects:
            defects.append(describe_defect(defect, where))
        for name, value in part.items():
            for defect in getattr(value, "defects", ()):
                defects.append(describe_defect(defect, f"{where} header {name}"))
    return defects


def collect_headers(message):
    headers = {}
    addresses = {}
    for name, value in message.items():
        headers.setdefault(name, []).append(str(value))
        found = getattr(value, "addresses", None)
        if found is not None:
            entries = addresses.setdefault(name, [])
            for address in found:
                entries.append({"display_name": address.display_name, "addr_spec": address.addr_spec})
    return headers, addresses


def describe_part(part):
    cte = part.get("Content-Transfer-Encoding")
    entry = {
        "content_type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "transfer_encoding": str(cte).strip().lower() if cte is not None else None,
    }
    try:
        content = part.get_content()
    except Exception as error:  # an unreadable part is reported, not fatal
        entry["content"] = None
        entry["error"] = f"{type(error).__name__}: {error}"
        return entry
    if isinstance(content, (bytes, bytearray)):
        entry["content"] = base64.b64encode(bytes(content)).decode("ascii")
        entry["content_is_base64"] = True
    elif isinstance(content, str):
        entry["content"] = content
    else:
        entry["content"] = str(content)
    return entry


def raw_payload(part):
    payload = part.get_payload(decode=False)
    if isinstance(payload, (bytes, bytearray)):
        return bytes(payload).decode("ascii", "surrogateescape")
    return payload if isinstance(payload, str) else ""


def clean(value):
    """Strings with raw 8-bit header bytes (RFC 6532 UTF-8, or junk) hold surrogate escapes,
    which JSON cannot carry: read those bytes as UTF-8, replacing what is not."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if isinstance(value, list):
        return [clean(item) for item in value]
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}
    return value


def main():
    if len(sys.argv) != 2:
        print("usage: inspect_message.py FILE.eml", file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], "rb") as file:
            raw = file.read()
    except OSError as error:
        print(f"cannot read {sys.argv[1]}: {error}", file=sys.stderr)
        return 2

    message = message_from_binary_file(io.BytesIO(raw), policy=policy.default)

    headers, addresses = collect_headers(message)
    leaves = [part for part in message.walk() if not part.is_multipart()]
    boundaries = [
        part.get_boundary() for part in message.walk()
        if part.get_content_maintype() == "multipart" and part.get_boundary()
    ]
    defects = collect_defects(message)
    parts = []
    for leaf in leaves:
        try:
            parts.append(describe_part(leaf))
        except Exception as error:
            defects.append(f"oracle: cannot describe a {leaf.get_content_type()} part: {error}")

    lines = re.split(rb"\r?\n", raw)
    result = {
        "defects": defects,
        "headers": headers,
        "addresses": addresses,
        "parts": parts,
        "content_type": message.get_content_type(),
        "max_line_octets": max((len(line) for line in lines), default=0),
        "bare_lf": re.search(rb"(?<!\r)\n", raw) is not None,
        "bare_cr": re.search(rb"\r(?!\n)", raw) is not None,
        "boundary_in_content": any(
            boundary in raw_payload(leaf) for boundary in boundaries for leaf in leaves
        ),
    }
    json.dump(clean(result), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
