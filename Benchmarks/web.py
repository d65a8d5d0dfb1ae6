#!/usr/bin/env python3
"""make bench: `herald serve` under wrk, against a bare Hummingbird route, in the same run.

A fresh workspace with a COUNT-subscriber list (press-en, addresses reader{i}@example.com)
and the sample release published. Then, with wrk on loopback (`wrk -t2 -c32 -d{S}s
--latency`: two threads, 32 keep-alive connections):

  page       GET /releases/2020-03-31-water-report from `herald serve`: the published
             release page, what a journalist following a link gets.
  floor      GET / from `herald-bench http-floor --bytes N`: a Hummingbird 2 application
             with one route answering a fixed HTML page of N bytes, the size of the release
             page, with no work behind it. What any Hummingbird server reaches on this
             machine: the peer.
  one-click  POST /unsubscribe/TOKEN with `List-Unsubscribe=One-Click`, form-encoded and
             without cookies, as Gmail sends it (RFC 8058), for the list's real tokens
             (`herald-bench unsubscribe-links`). The Lua script gives each wrk thread every
             other token and walks them in order, wrapping around when it runs out, so
             later POSTs repeat earlier ones as a mail client that retries would.

  under delivery (issue 13)  a second workspace like the first with the release's campaign
             queued (`herald send RELEASE --queue-only --yes`: COUNT messages), served by
             `herald serve --port 0 --smtp smtp://127.0.0.1:SINK` (Postfix's smtp-sink on a
             free port), so the server delivers the campaign in the same process. As soon as
             the first messages are out: page (wrk -d{D}s) on one copy of it, one-click
             (wrk -d{D}s, the same checks) on another, each while delivery is in progress: the
             sink's count must grow during the run and the Outbox must still hold messages
             to send at its end. The delivery rate meanwhile is the sink's count over the run.
             Each measurement follows its control, the same on a copy served with
             --no-deliver; RUNS rounds, medians.

page and floor run RUNS times each, alternating; their medians are compared. one-click runs
once, since it changes the store. Afterwards every token wrk sent is POSTed once more (one
connection) and must get 200; then the store (Python's sqlite3) must show exactly the
subscribers of those tokens unsubscribed from press-en, each with exactly one consent_event
keeping the 'subscribed' state it replaced: repeated POSTs record nothing.

Nothing is pinned: the servers need both cores, and wrk shares them. Every server here gets
the same share, so the ratio page/floor is what to compare across runs.

Targets (issue 10): the page ≥ 10,000 requests/s with p99 < 10 ms and no non-2xx answers;
one-click ≥ 1,000 requests/s, each unsubscribe recorded exactly once. Under delivery (issue
13): the page's p99 < 20 ms; one-click ≥ 1,000 requests/s, each recorded exactly once.

Usage: python3 Benchmarks/web.py [SECONDS [RUNS [COUNT [DELIVERY_SECONDS]]]]   (default 10 3 20000 3)
"""
import base64
import collections
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from smtp_sink import SMTP_SINK, Sink

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "herald-bench")
HERALD = os.environ.get("HERALD_BINARY") or os.path.join(ROOT, ".build", "release", "herald")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
RELEASE = "Releases/2020-03-31-water-report.md"
PAGE = "/releases/2020-03-31-water-report"
LIST = "press-en"
SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 20_000
DELIVERY_SECONDS = int(sys.argv[4]) if len(sys.argv) > 4 else 3
THREADS, CONNECTIONS = 2, 32
TARGET_PAGE_RPS = 10_000
TARGET_PAGE_P99_MS = 10.0
TARGET_ONE_CLICK_RPS = 1_000
TARGET_DELIVERING_P99_MS = 20.0

# wrk's Lua: each thread takes the tokens whose line number is its id modulo the thread
# count and POSTs them in order, wrapping around. done() (in the main Lua state) prints
# what each thread sent and got, for the check against the store.
ONE_CLICK_LUA = r"""
local tokens_file = %(tokens)s
local thread_count = %(threads)d
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  local line_number = 0
  for line in io.lines(tokens_file) do
    if line_number %% thread_count == id then paths[#paths + 1] = line end
    line_number = line_number + 1
  end
  size = #paths
  position = 1
  issued, ok, other = 0, 0, 0
  headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
end

function request()
  local path = paths[position]
  position = position %% size + 1
  issued = issued + 1
  return wrk.format("POST", path, headers, "List-Unsubscribe=One-Click")
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    io.write(string.format("one-click: thread=%%d size=%%d issued=%%d ok=%%d other=%%d\n",
      thread:get("id"), thread:get("size"), thread:get("issued"), thread:get("ok"), thread:get("other")))
  end
end
"""


class Server:
    """A server started on 127.0.0.1 port 0 that prints `Listening on http://127.0.0.1:PORT`
    as its first line; stopped with SIGINT, then SIGKILL after 5 s."""

    def __init__(self, name, command, work, cwd=None):
        self.name = name
        self.command = command
        self.out_path = os.path.join(work, f"{name}.out")
        self.err_path = os.path.join(work, f"{name}.err")
        # Files, not pipes: a server that logs every request would stop on a full pipe.
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd)
        self.port = self.wait_for_address(10)

    def wait_for_address(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.out_path, "rb") as f:
                first = f.readline()
            if first.endswith(b"\n"):
                match = re.fullmatch(rb"Listening on http://127\.0\.0\.1:(\d+)\s*", first)
                if not match:
                    self.stop()
                    raise RuntimeError(f"{self.name} printed {first!r} first, not `Listening on http://127.0.0.1:PORT`:\n"
                                       f"{self.stderr()}")
                return int(match.group(1))
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with status {self.process.returncode} before printing its address "
                                   f"({' '.join(self.command)}):\n{self.stderr()}")
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not print its address within {timeout} s ({' '.join(self.command)}):\n{self.stderr()}")

    def stderr(self):
        with open(self.err_path, errors="replace") as f:
            return f.read()[-4000:]

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run(command, cwd=None):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with status {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def workspace(work, name="ws"):
    """A fresh workspace: COUNT subscribers on press-en, the sample release published (not timed)."""
    ws = os.path.join(work, name)
    run([HERALD, "init", ws])
    run([HERALD, "lists", "create", LIST], cwd=ws)
    csv = os.path.join(work, "subscribers.csv")
    with open(csv, "w", encoding="utf-8") as f:
        f.write("email,name\n")
        for i in range(COUNT):
            f.write(f"reader{i}@example.com,Reader {i} Example\n")
    run([HERALD, "lists", "import", LIST, csv], cwd=ws)
    os.remove(csv)
    run([HERALD, "publish", RELEASE], cwd=ws)
    return ws


def milliseconds(text):
    value, unit = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(url, seconds, script=None, headers=()):
    """One bounded wrk run; its requests/s, p99 (ms), answers outside 2xx/3xx, socket errors.
    `headers`: "Name: value" lines sent with every request (a session cookie)."""
    command = [WRK, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    command.append(url)
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    out = result.stdout
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+([0-9.]+(?:us|ms|s|m))\s*$", out, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", out, re.MULTILINE)
    if result.returncode != 0 or not rps or not p99 or not total:
        raise RuntimeError(f"cannot read wrk's output ({' '.join(command)}, status {result.returncode}):\n{out}\n{result.stderr}")
    non2xx = re.search(r"^\s+Non-2xx or 3xx responses:\s+(\d+)", out, re.MULTILINE)
    errors = re.search(r"^\s+Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out, re.MULTILINE)
    return {"requests_per_second": float(rps.group(1)), "p99_ms": milliseconds(p99.group(1)), "requests": int(total.group(1)),
            "non_2xx_3xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0, "output": out}


def check_page(url):
    """The page answers 200 with HTML before it is measured; its size."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read()
            kind = response.headers.get("Content-Type", "")
    except OSError as error:
        raise RuntimeError(f"GET {url} failed before the benchmark: {error}")
    if "text/html" not in kind or b"</html>" not in body.lower():
        raise RuntimeError(f"GET {url} did not answer an HTML page (Content-Type {kind!r}, {len(body)} bytes)")
    return len(body)


def runs(results):
    return " / ".join(f"{r['requests_per_second']:,.0f}" for r in results)


def tokens_sent(paths, threads):
    """The paths wrk sent: per thread, the first `issued` of its share (every THREADS-th line)."""
    sent = set()
    for thread in threads:
        share = paths[thread["thread"]::THREADS]
        if len(share) != thread["size"]:
            raise RuntimeError(f"wrk thread {thread['thread']} read {thread['size']} tokens, expected {len(share)}")
        sent.update(share[:min(thread["issued"], len(share))])
    return sent


def post_again(port, paths):
    """POSTs each path once more on one keep-alive connection; the paths that did not get 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    failed = []
    body = b"List-Unsubscribe=One-Click"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    for path in sorted(paths):
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            status = str(error)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        if status != 200:
            failed.append((path, status))
    connection.close()
    return failed


def subscriber_id(path):
    """The subscriber id in an unsubscribe token (payload `ID\\x1fLIST`, base64url, before the dot)."""
    payload = path.rsplit("/", 1)[1].split(".", 1)[0]
    subscriber, listed = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode().split("\x1f")
    if listed != LIST:
        raise RuntimeError(f"token {path} is for list {listed!r}, not {LIST}")
    return int(subscriber)


def store_state(ws):
    """The subscribers unsubscribed from the list, and per subscriber its consent_event rows
    for the list with status 'subscribed'."""
    database = sqlite3.connect(f"file:{os.path.join(ws, 'Lists', 'herald.sqlite')}?mode=ro", uri=True)
    try:
        (list_id,) = database.execute("SELECT id FROM list WHERE name = ?", (LIST,)).fetchone()
        unsubscribed = {row[0] for row in database.execute(
            "SELECT subscriber_id FROM membership WHERE list_id = ? AND status = 'unsubscribed'", (list_id,))}
        events = collections.Counter(row[0] for row in database.execute(
            "SELECT subscriber_id FROM consent_event WHERE list_id = ? AND status = 'subscribed'", (list_id,)))
        return unsubscribed, events
    finally:
        database.close()


def journaled(ws):
    """The subscribers whose unsubscribe the server has taken durably but the store has not
    recorded yet: the lines of Lists/unsubscribes.journal (and .applying, while a process
    applies it). Issue 14: a one-click is answered once it is in the journal, fsynced."""
    taken = set()
    for name in ("unsubscribes.journal", "unsubscribes.applying"):
        try:
            with open(os.path.join(ws, "Lists", name), encoding="utf-8") as f:
                for line in f:
                    if line.endswith("\n"):  # a torn last line was never answered 200
                        taken.add(json.loads(line)["subscriber"])
        except FileNotFoundError:
            pass
    return taken


def one_click(server, ws, work, seconds=SECONDS):
    """The one-click run and the check against the store."""
    return check_one_click(server, ws, *one_click_run(server, ws, work, seconds))


def unsubscribe_paths(ws):
    """The one-click addresses of the list's subscribers (`herald-bench unsubscribe-links`)."""
    paths = run([BENCH, "unsubscribe-links", ws, LIST]).split()
    if len(paths) != COUNT or not all(p.startswith("/unsubscribe/") for p in paths):
        raise RuntimeError(f"herald-bench unsubscribe-links gave {len(paths)} paths for {COUNT} subscribers")
    return paths


def one_click_run(server, ws, work, seconds, paths=None):
    """The one-click wrk run: its result, the tokens' paths, and what each wrk thread sent."""
    paths = paths or unsubscribe_paths(ws)
    tokens = os.path.join(work, "tokens.txt")
    with open(tokens, "w") as f:
        f.write("\n".join(paths) + "\n")
    script = os.path.join(work, "one-click.lua")
    with open(script, "w") as f:
        f.write(ONE_CLICK_LUA % {"tokens": json.dumps(tokens), "threads": THREADS})

    result = wrk(server.url("/"), seconds, script)
    threads = [{key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)}
               for line in result["output"].splitlines() if line.startswith("one-click: ")]
    if len(threads) != THREADS:
        raise RuntimeError(f"the one-click script reported {len(threads)} threads, expected {THREADS}:\n{result['output']}")
    # Read the journal before the store: what leaves the journal meanwhile is in the store.
    pending = journaled(ws)
    unsubscribed_during, _ = store_state(ws)
    return result, paths, threads, unsubscribed_during | pending


def check_one_click(server, ws, result, paths, threads, unsubscribed_during):
    """Every token wrk sent POSTed once more, then the store checked."""
    sent = tokens_sent(paths, threads)
    ok = sum(t["ok"] for t in threads)
    other = sum(t["other"] for t in threads)

    # wrk stops with up to one request in flight per connection: those may or may not have
    # reached the store. POSTing every sent token once more settles them, and repeats each.
    failed_again = post_again(server.port, sent)
    unsubscribed, events = store_state(ws)
    expected = {subscriber_id(path) for path in sent}
    problems = []
    if other or result["non_2xx_3xx"] or result["socket_errors"]:
        problems.append(f"{other} answers other than 200 and {result['socket_errors']} socket errors during the run")
    if failed_again:
        problems.append(f"{len(failed_again)} repeated POSTs did not get 200, e.g. {failed_again[:3]}")
    if not len(expected) - CONNECTIONS <= len(unsubscribed_during) <= len(expected):
        problems.append(f"{len(unsubscribed_during):,} unsubscribed (in the store or its journal) right after the run for {len(expected):,} tokens sent "
                        f"(at most {CONNECTIONS} may still have been in flight)")
    if unsubscribed != expected:
        problems.append(f"{len(unsubscribed - expected)} unsubscribed whose token was not sent, "
                        f"{len(expected - unsubscribed)} sent but still subscribed")
    counts = collections.Counter(events.get(s, 0) for s in expected)
    if set(counts) != {1} or set(events) - expected:
        problems.append(f"consent_event 'subscribed' rows per unsubscribed subscriber: {dict(counts)} (each must have exactly 1); "
                        f"{len(set(events) - expected)} subscribers with such rows whose token was not sent")
    return result, {"tokens_sent": len(sent), "posts": ok + other, "ok": ok, "other": other,
                    "unsubscribed_after_run": len(unsubscribed_during), "unsubscribed": len(unsubscribed),
                    "consent_events": sum(events.values()), "repeated_posts_failed": len(failed_again)}, problems


def outbox_count(ws, state):
    """Messages in one folder of the workspace's Outbox."""
    return sum(1 for entry in os.scandir(os.path.join(ws, "Outbox", state)) if not entry.name.startswith("."))


def delivering(work, sink, queued, name, measure, check=lambda server, ws, measured: measured):
    """Serves a copy of `queued` with delivery through `sink`, and runs `measure(server, ws)`
    (one bounded wrk run) once the first messages are out; checks that the delivery went on
    through the whole run, then runs `check(server, ws, measured)`. Returns what `check`
    gives, and the delivery's figures."""
    ws = os.path.join(work, name)
    shutil.rmtree(ws, ignore_errors=True)
    subprocess.run(["cp", "-a", queued, ws], check=True)
    relay = f"smtp://127.0.0.1:{sink.port}"
    server = Server(f"herald serve ({name})", [HERALD, "serve", "--workspace", ws, "--host", "127.0.0.1", "--port", "0", "--smtp", relay], work)
    started = time.monotonic()
    try:
        check_page(server.url(PAGE))
        deadline = time.monotonic() + 60
        while outbox_count(ws, "sent") == 0:
            if time.monotonic() > deadline or server.process.poll() is not None:
                raise RuntimeError(f"herald serve did not start delivering within 60 s:\n{server.stderr()}")
            time.sleep(0.01)
        received_before, sent_before, start = sink.count_now(), outbox_count(ws, "sent"), time.monotonic()
        measured = measure(server, ws)
        received_after, end = sink.count_now(), time.monotonic()
        sent_after, waiting = outbox_count(ws, "sent"), outbox_count(ws, "queue") + outbox_count(ws, "active")
        if received_after <= received_before or waiting == 0:
            raise RuntimeError(f"delivery was not in progress through the whole {name} run ({received_before:,} → {received_after:,} "
                               f"received, {waiting:,} still to send at its end): give a shorter DELIVERY_SECONDS or a larger COUNT")
        measured = check(server, ws, measured)
        # The rest of the campaign, to its end: every message sent, once.
        deadline = time.monotonic() + 300
        while outbox_count(ws, "sent") < COUNT:
            if time.monotonic() > deadline or server.process.poll() is not None:
                raise RuntimeError(f"herald serve sent {outbox_count(ws, 'sent'):,} of {COUNT:,} messages:\n{server.stderr()}")
            time.sleep(0.05)
        total = time.monotonic() - started
    finally:
        server.stop()
    return measured, {"received_during": received_after - received_before, "seconds": end - start,
                      "rate_during": (received_after - received_before) / (end - start),
                      "sent_before": sent_before, "sent_after": sent_after, "waiting_after": waiting,
                      "campaign_seconds": total, "campaign_rate": COUNT / total}


def idle(work, queued, name, measure, check=lambda server, ws, measured: measured):
    """The control of `delivering`: the same copy of `queued`, served with --no-deliver, and
    the same measurement (the Outbox keeps the campaign)."""
    ws = os.path.join(work, name)
    shutil.rmtree(ws, ignore_errors=True)
    subprocess.run(["cp", "-a", queued, ws], check=True)
    server = Server(f"herald serve ({name})", [HERALD, "serve", "--workspace", ws, "--host", "127.0.0.1", "--port", "0", "--no-deliver"], work)
    try:
        check_page(server.url(PAGE))
        return check(server, ws, measure(server, ws))
    finally:
        server.stop()


def under_delivery(work):
    """Issue 13: the release page and the one-click endpoint while `herald serve` delivers a
    COUNT-message campaign in the same process, RUNS rounds; each measurement is preceded by
    its control, the same on a server that does not deliver."""
    queued = workspace(work, "queued")
    run([HERALD, "send", RELEASE, "--queue-only", "--yes"], cwd=queued)
    if outbox_count(queued, "queue") != COUNT:
        raise RuntimeError(f"herald send --queue-only queued {outbox_count(queued, 'queue'):,} messages, expected {COUNT:,}")
    paths = unsubscribe_paths(queued)  # the copies have the same secret and subscribers
    measure_page = lambda server, ws: wrk(server.url(PAGE), DELIVERY_SECONDS)
    measure_clicks = lambda server, ws: one_click_run(server, ws, work, DELIVERY_SECONDS, paths)
    check_clicks = lambda server, ws, measured: check_one_click(server, ws, *measured)
    rounds = []
    sink = Sink(work)
    try:
        for _ in range(RUNS):
            page_idle = idle(work, queued, "idle-page", measure_page)
            page, page_delivery = delivering(work, sink, queued, "delivering-page", measure_page)
            clicks_idle = idle(work, queued, "idle-one-click", measure_clicks, check_clicks)
            clicks, click_delivery = delivering(work, sink, queued, "delivering-one-click", measure_clicks, check_clicks)
            rounds.append({"page_idle": page_idle, "page": page, "page_delivery": page_delivery,
                           "clicks_idle": clicks_idle, "clicks": clicks, "click_delivery": click_delivery})
        total = sink.received()
    finally:
        sink.stop()
    if total != 2 * RUNS * COUNT:
        raise RuntimeError(f"smtp-sink received {total:,} messages from {2 * RUNS} campaigns, expected {2 * RUNS * COUNT:,}")
    return rounds


def main():
    for binary, build in ((HERALD, "swift build -c release --product herald"), (BENCH, "swift build -c release --product herald-bench")):
        if not os.access(binary, os.X_OK):
            sys.exit(f"{binary} is missing: run `{build}` (make bench does)")
    if not os.access(WRK, os.X_OK):
        sys.exit("wrk is missing: run scripts/bootstrap (Debian package wrk)")
    if not os.access(SMTP_SINK, os.X_OK):
        sys.exit("smtp-sink is missing: run scripts/bootstrap (Debian package postfix)")
    work = tempfile.mkdtemp(prefix="herald-web-bench-")
    servers = []
    try:
        ws = workspace(work)
        herald = Server("herald serve", [HERALD, "serve", "--workspace", ws, "--host", "127.0.0.1", "--port", "0"], work)
        servers.append(herald)
        page_bytes = check_page(herald.url(PAGE))
        floor = Server("herald-bench http-floor", [BENCH, "http-floor", "--port", "0", "--bytes", str(page_bytes)], work)
        servers.append(floor)
        floor_bytes = check_page(floor.url("/"))
        # A short run each first: connections, allocator and page cache warm.
        wrk(herald.url(PAGE), 1)
        wrk(floor.url("/"), 1)
        pages, floors = [], []
        for _ in range(RUNS):
            pages.append(wrk(herald.url(PAGE), SECONDS))
            floors.append(wrk(floor.url("/"), SECONDS))
        clicks, click_state, click_problems = one_click(herald, ws, work)
        herald.stop()
        floor.stop()
        rounds = under_delivery(work)

        page_rps = statistics.median(r["requests_per_second"] for r in pages)
        page_p99 = statistics.median(r["p99_ms"] for r in pages)
        floor_rps = statistics.median(r["requests_per_second"] for r in floors)
        floor_p99 = statistics.median(r["p99_ms"] for r in floors)
        page_bad = sum(r["non_2xx_3xx"] + r["socket_errors"] for r in pages)
        ratio = page_rps / floor_rps
        wrk_shape = f"wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s --latency"
        print(f"Web benchmark: {wrk_shape} on 127.0.0.1, nothing pinned (2 cores shared by server and wrk), "
              f"{COUNT:,} subscribers, medians of {RUNS}")
        print(f"  release page  {page_rps:9,.0f} req/s  p99 {page_p99:6.2f} ms  "
              f"(runs: {runs(pages)}; {page_bytes:,} bytes; GET {PAGE})")
        print(f"  floor         {floor_rps:9,.0f} req/s  p99 {floor_p99:6.2f} ms  "
              f"(runs: {runs(floors)}; {floor_bytes:,} bytes; "
              "herald-bench http-floor, one Hummingbird route)")
        print(f"  page/floor    {ratio:9.2f}")
        verdict = "meets" if page_rps >= TARGET_PAGE_RPS and page_p99 < TARGET_PAGE_P99_MS and page_bad == 0 else "MISSES"
        print(f"  release page: target ≥ {TARGET_PAGE_RPS:,} req/s, p99 < {TARGET_PAGE_P99_MS:.0f} ms, no errors: {verdict}"
              f" ({page_bad} non-2xx/3xx answers or socket errors)")
        print(f"  one-click     {clicks['requests_per_second']:9,.0f} req/s  p99 {clicks['p99_ms']:6.2f} ms  "
              f"(one run; {click_state['posts']:,} POSTs of {click_state['tokens_sent']:,} distinct tokens, "
              f"then each once more)")
        print(f"                {click_state['unsubscribed']:,} unsubscribed, {click_state['consent_events']:,} consent events "
              f"('subscribed' replaced), {click_state['unsubscribed_after_run']:,} of them taken (store or journal) right after the run")
        for problem in click_problems:
            print(f"                PROBLEM: {problem}")
        verdict = "meets" if clicks["requests_per_second"] >= TARGET_ONE_CLICK_RPS and not click_problems else "MISSES"
        print(f"  one-click: target ≥ {TARGET_ONE_CLICK_RPS:,} req/s, each unsubscribe recorded exactly once: {verdict}")

        wrk_shape = f"wrk -t{THREADS} -c{CONNECTIONS} -d{DELIVERY_SECONDS}s --latency"
        print(f"Under delivery: herald serve --smtp smtp://127.0.0.1:SINK (Postfix's smtp-sink) delivering a queued "
              f"{COUNT:,}-message campaign in the same process; {wrk_shape} once delivery has started; medians of {RUNS} rounds, "
              f"each beside its control (the same on herald serve --no-deliver, just before)")
        def median(key, field):
            return statistics.median(r[key][field] for r in rounds)
        def each(key, field, unit=""):
            return " / ".join(f"{r[key][field]:,.{2 if unit == 'ms' else 0}f}" for r in rounds)
        delivering_page_bad = sum(r["page"]["non_2xx_3xx"] + r["page"]["socket_errors"] for r in rounds)
        delivering_page_p99 = median("page", "p99_ms")
        print(f"  release page  {median('page', 'requests_per_second'):9,.0f} req/s  p99 {delivering_page_p99:6.2f} ms  "
              f"(p99s: {each('page', 'p99_ms', 'ms')}; {delivering_page_bad} non-2xx/3xx answers or socket errors)")
        print(f"     control    {median('page_idle', 'requests_per_second'):9,.0f} req/s  p99 {median('page_idle', 'p99_ms'):6.2f} ms  "
              f"(p99s: {each('page_idle', 'p99_ms', 'ms')})")
        print(f"     delivery meanwhile {median('page_delivery', 'rate_during'):,.0f} msg/s (runs: {each('page_delivery', 'rate_during')}; "
              f"the whole campaign {median('page_delivery', 'campaign_rate'):,.0f} msg/s)")
        verdict = "meets" if delivering_page_p99 < TARGET_DELIVERING_P99_MS and delivering_page_bad == 0 else "MISSES"
        print(f"  release page while delivering: target p99 < {TARGET_DELIVERING_P99_MS:.0f} ms, no errors: {verdict}")
        delivering_clicks = [r["clicks"] for r in rounds]
        click_rps = statistics.median(c[0]["requests_per_second"] for c in delivering_clicks)
        click_problems = [problem for c in delivering_clicks for problem in c[2]]
        click_runs = " / ".join(f"{c[0]['requests_per_second']:,.0f}" for c in delivering_clicks)
        print(f"  one-click     {click_rps:9,.0f} req/s  p99 {statistics.median(c[0]['p99_ms'] for c in delivering_clicks):6.2f} ms  "
              f"(runs: {click_runs}; "
              f"{sum(c[1]['posts'] for c in delivering_clicks):,} POSTs, each token once more after; "
              f"{sum(c[1]['unsubscribed'] for c in delivering_clicks):,} unsubscribed, "
              f"{sum(c[1]['consent_events'] for c in delivering_clicks):,} consent events)")
        print(f"     control    {statistics.median(r['clicks_idle'][0]['requests_per_second'] for r in rounds):9,.0f} req/s  "
              f"p99 {statistics.median(r['clicks_idle'][0]['p99_ms'] for r in rounds):6.2f} ms")
        print(f"     delivery meanwhile {median('click_delivery', 'rate_during'):,.0f} msg/s (runs: {each('click_delivery', 'rate_during')}; "
              f"the whole campaign {median('click_delivery', 'campaign_rate'):,.0f} msg/s)")
        for problem in click_problems:
            print(f"                PROBLEM: {problem}")
        verdict = "meets" if click_rps >= TARGET_ONE_CLICK_RPS and not click_problems else "MISSES"
        print(f"  one-click while delivering: target ≥ {TARGET_ONE_CLICK_RPS:,} req/s, each unsubscribe recorded exactly once: {verdict}")
        print(json.dumps({"benchmark": "web", "subscribers": COUNT, "seconds": SECONDS, "threads": THREADS, "connections": CONNECTIONS,
                          "page_per_second": page_rps, "page_p99_ms": page_p99, "page_bytes": page_bytes, "page_errors": page_bad,
                          "floor_per_second": floor_rps, "floor_p99_ms": floor_p99, "floor_bytes": floor_bytes, "ratio": ratio,
                          "page_runs": [r["requests_per_second"] for r in pages],
                          "floor_runs": [r["requests_per_second"] for r in floors],
                          "one_click_per_second": clicks["requests_per_second"], "one_click_p99_ms": clicks["p99_ms"],
                          "one_click": click_state, "one_click_problems": click_problems,
                          "under_delivery": {"seconds": DELIVERY_SECONDS, "page_p99_ms": delivering_page_p99, "one_click_per_second": click_rps,
                                             "one_click_problems": click_problems,
                                             "rounds": [{key: ({k: v for k, v in value.items() if k != "output"} if isinstance(value, dict)
                                                               else [({k: v for k, v in part.items() if k != "output"} if isinstance(part, dict) else part)
                                                                     for part in value])
                                                         for key, value in r.items()} for r in rounds]}}))
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        sys.exit(f"web benchmark: {error}")
