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


class Composer:
    """The release rendered once; `message(index)` personalises and serialises one message."""

    def __init__(self, path):
        text = open(path, encoding="utf-8").read()
        _, front, self.body = text.split("---\n", 2)
        self.meta = yaml.safe_load(front)
        self.body_html = markdown.markdown(self.body, extensions=["tables"])
        self.html_template = (
            "<!DOCTYPE html><html><body><div style=\"display:none\">{summary}</div>"
            "<table role=\"presentation\" width=\"100%\"><tr><td>"
            "<h1>{title}</h1>{body}"
            "<p>You receive this because {email} is subscribed to press-en.</p>"
            "<p><a href=\"{unsubscribe}\">Unsubscribe</a></p></td></tr></table></body></html>"
        )
        self.text_template = "{title}\n\n{body}\n\n--\nYou receive this because {email} is subscribed.\nUnsubscribe: {unsubscribe}\n"
        self.secret = b"\x07" * 32
        self.now = datetime.now(timezone.utc)

    def message(self, index):
        """(recipient, bytes) of reader INDEX's message."""
        meta = self.meta
        name = f"Reader {index} Example"
        email = f"reader{index}@example.com"
        payload = f"{email}\x1fpress-en".encode()
        mac = hmac.new(self.secret, b"unsubscribe\x00" + payload, hashlib.sha256).digest()[:16]
        token = (base64.urlsafe_b64encode(payload).rstrip(b"=") + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode()
        unsubscribe = f"https://news.example.org/unsubscribe/{token}"

        message = EmailMessage()
        message["From"] = "Institute for Example Studies <press@example.org>"
        message["To"] = f"{name} <{email}>"
        message["Subject"] = meta.get("subject", meta["title"])
        message["Date"] = format_datetime(self.now)
        message["Message-ID"] = make_msgid(domain="example.org")
        message["List-Unsubscribe"] = f"<{unsubscribe}>, <mailto:unsubscribe@example.org?subject=unsubscribe>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(self.text_template.format(title=meta["title"], body=self.body, email=email, unsubscribe=unsubscribe))
        message.add_alternative(
            self.html_template.format(summary=meta.get("summary", ""), title=meta["title"], body=self.body_html, email=email, unsubscribe=unsubscribe),
            subtype="html",
        )
        return email, message.as_bytes()


def main():
    path = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    setup_start = time.perf_counter()
    composer = Composer(path)
    setup = time.perf_counter() - setup_start
    total = 0
    start = time.perf_counter()
    for index in range(count):
        total += len(composer.message(index)[1])
    seconds = time.perf_counter() - start
    print(json.dumps({
        "tool": "python-email", "messages": count, "seconds": seconds,
        "messages_per_second": count / seconds, "average_bytes": total // count, "setup_seconds": setup,
    }))


if __name__ == "__main__":
    main()
