#!/usr/bin/env python3
"""make demo: what comes back after a send, as a Maildir.

Usage: demo-replies.py SINK_FOLDER MAILDIR

Reads the messages Herald's capture sink stored (SINK_FOLDER/*.eml) and writes, into
MAILDIR/new/, three messages answering them: a journalist's question (In-Reply-To one of the
sent Message-IDs), a bounce from the recipient's mail server (an RFC 3464 delivery status
notification carrying the returned headers) and an out-of-office reply. Only reserved
domains (example.com, example.org) appear.
"""
import email
import email.policy
import glob
import os
import sys
import time

sink, maildir = sys.argv[1], sys.argv[2]
sent = {}
for path in sorted(glob.glob(os.path.join(sink, "*.eml"))):
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.compat32)
    if str(message["Subject"] or "").startswith("[TEST]"):
        continue  # the test copy went to the press office, not to a journalist
    sent[message["To"]] = message
if len(sent) < 3:
    sys.exit(f"demo-replies: expected the sent messages in {sink}")
messages = list(sent.values())
question, bounced, away = messages[0], messages[1], messages[2]


def address(header):
    return email.utils.parseaddr(header)[1]


def date():
    return email.utils.formatdate(time.time(), localtime=False)


replies = {
    "question": f"""From: {question["To"]}
To: Press Office <pressoffice@example.org>
Subject: Re: {question["Subject"]}
Date: {date()}
Message-ID: <demo-question-{int(time.time())}@example.com>
In-Reply-To: {question["Message-ID"]}
References: {question["Message-ID"]}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello,

thank you for the release. Could Dr. Durand give us a short interview this week
about the cities with the largest losses? Which three cities are they?

Best regards,
{email.utils.parseaddr(question["To"])[0] or "A reporter"}

> Municipal water networks in Europe lose on average 31 per cent of the water they
> treat before it reaches a tap.
""",
    "bounce": f"""From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
To: press@example.org
Subject: Undelivered Mail Returned to Sender
Date: {date()}
Message-ID: <demo-bounce-{int(time.time())}@mx.example.com>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="demo-dsn"

--demo-dsn
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{address(bounced["To"])}>: host mx.example.com said: 550 5.1.1 <{address(bounced["To"])}>:
    Recipient address rejected: User unknown in virtual mailbox table

--demo-dsn
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com
Arrival-Date: {date()}

Final-Recipient: rfc822; {address(bounced["To"])}
Original-Recipient: rfc822;{address(bounced["To"])}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 550 5.1.1 <{address(bounced["To"])}>: Recipient address rejected:
    User unknown in virtual mailbox table

--demo-dsn
Content-Type: text/rfc822-headers

From: {bounced["From"]}
To: {bounced["To"]}
Subject: {bounced["Subject"]}
Message-ID: {bounced["Message-ID"]}
List-Id: {bounced["List-Id"]}

--demo-dsn--
""",
    "away": f"""From: {away["To"]}
To: press@example.org
Subject: Automatic reply: {away["Subject"]}
Date: {date()}
Message-ID: <demo-away-{int(time.time())}@example.com>
In-Reply-To: {away["Message-ID"]}
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

I am out of the office until Monday and will read your message when I am back.
""",
}
os.makedirs(os.path.join(maildir, "new"), exist_ok=True)
os.makedirs(os.path.join(maildir, "cur"), exist_ok=True)
os.makedirs(os.path.join(maildir, "tmp"), exist_ok=True)
for index, (name, text) in enumerate(replies.items()):
    data = text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
    with open(os.path.join(maildir, "new", f"{int(time.time())}.{index}.demo.{name}"), "wb") as f:
        f.write(data)
print(f"Wrote {len(replies)} messages to {maildir}/new: a reply, a bounce, an out-of-office.")
