#!/usr/bin/env python3
"""The Python peer for Herald's compose benchmark.

Does the same job as `herald-bench compose`: render the release's Markdown once (with the
`markdown` package), then for every recipient personalise an HTML and a plain-text
alternative, sign an unsubscribe token with HMAC-SHA256, build the message with the standard
library's `email` package (policy.default) and serialise it to bytes. Prints one JSON line.

Usage: compose_python.py RELEASE.md [COUNT]
"""
import base64
import hashlib
import hmac
import json
import sys
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone

import markdown
import yaml


def main():
    path = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    text = open(path, encoding="utf-8").read()
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)

    setup_start = time.perf_counter()
    body_html = markdown.markdown(body, extensions=["tables"])
    html_template = (
        "<!DOCTYPE html><html><body><div style=\"display:none\">{summary}</div>"
        "<table role=\"presentation\" width=\"100%\"><tr><td>"
        "<h1>{title}</h1>{body}"
        "<p>You receive this because {email} is subscribed to press-en.</p>"
        "<p><a href=\"{unsubscribe}\">Unsubscribe</a></p></td></tr></table></body></html>"
    )
    text_template = "{title}\n\n{body}\n\n--\nYou receive this because {email} is subscribed.\nUnsubscribe: {unsubscribe}\n"
    setup = time.perf_counter() - setup_start

    secret = b"\x07" * 32
    now = datetime.now(timezone.utc)
    total = 0
    start = time.perf_counter()
    for index in range(count):
        name = f"Reader {index} Example"
        email = f"reader{index}@example.com"
        payload = f"{email}\x1fpress-en".encode()
        mac = hmac.new(secret, b"unsubscribe\x00" + payload, hashlib.sha256).digest()[:16]
        token = (base64.urlsafe_b64encode(payload).rstrip(b"=") + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode()
        unsubscribe = f"https://news.example.org/unsubscribe/{token}"

        message = EmailMessage()
        message["From"] = "Institute for Example Studies <press@example.org>"
        message["To"] = f"{name} <{email}>"
        message["Subject"] = meta.get("subject", meta["title"])
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid(domain="example.org")
        message["List-Unsubscribe"] = f"<{unsubscribe}>, <mailto:unsubscribe@example.org?subject=unsubscribe>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(text_template.format(title=meta["title"], body=body, email=email, unsubscribe=unsubscribe))
        message.add_alternative(
            html_template.format(summary=meta.get("summary", ""), title=meta["title"], body=body_html, email=email, unsubscribe=unsubscribe),
            subtype="html",
        )
        total += len(message.as_bytes())
    seconds = time.perf_counter() - start
    print(json.dumps({
        "tool": "python-email", "messages": count, "seconds": seconds,
        "messages_per_second": count / seconds, "average_bytes": total // count, "setup_seconds": setup,
    }))


if __name__ == "__main__":
    main()
