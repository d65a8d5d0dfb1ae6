#!/usr/bin/env python3
"""make bench: a published photo served by `herald serve` under wrk (issue 16).

A fresh workspace with the sample release published; then, as publishing a release with a
photo does, a ~300 KB JPEG (made by libvips from noise, so that it does not compress away)
is put in the workspace's Media/ folder under its SHA-256 and listed in the publication's
files (Python's sqlite3 writes the `publication.files` column). `herald serve --port 0`
serves it at /releases/SLUG/files/DIGEST/photo.jpg.

With wrk on loopback (`wrk -t2 -c32 -d{S}s --latency`: two threads, 32 keep-alive
connections), alternating, RUNS times each:

  photo   GET the photo's address: 200 with the whole JPEG (a file kept in memory after
          the first request; the address names its content).
  floor   GET / from `herald-bench http-floor --bytes N`: a Hummingbird 2 application with
          one route answering a fixed body of N bytes, the photo's size, from memory with no
          work behind it: what any Hummingbird server moves on this machine, the peer.
  page    GET the release page from the same `herald serve`: the archive page's throughput
          in the same run, for comparison with Benchmarks/web.py.

Before measuring, the photo is fetched once and compared byte for byte with the file, and
its headers checked (Content-Type, ETag = the digest, the year of caching).

Target (issue 16): the photo at >= 5,000 requests/s, no non-2xx answers; p99 reported, and
photo/floor (what serving a published file costs above sending the same bytes).
Nothing is pinned: the server and wrk share the two cores, and the machine may be shared.

Usage: python3 Benchmarks/presskit_serve.py [SECONDS [RUNS [PHOTO_BYTES]]]   (default 10 3 300000)
"""
import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import web  # noqa: E402  (the Server, wrk and run helpers of the web benchmark)

HERALD = web.HERALD
RELEASE = web.RELEASE
SLUG = "2020-03-31-water-report"
SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
PHOTO_BYTES = int(sys.argv[3]) if len(sys.argv) > 3 else 300_000
TARGET_PHOTO_RPS = 5_000


def photo(work):
    """A JPEG of about PHOTO_BYTES (within 5 %): gaussian noise, resized until it fits."""
    side, best = 400, None
    for _ in range(8):
        noise, rgb, rgb8, jpeg = (os.path.join(work, name) for name in ["noise.v", "rgb.v", "rgb8.v", "photo.jpg"])
        web.run(["vips", "gaussnoise", noise, str(side * 3 // 2), str(side), "--mean", "128", "--sigma", "40"])
        web.run(["vips", "bandjoin", f"{noise} {noise} {noise}", rgb])
        web.run(["vips", "cast", rgb, rgb8, "uchar"])
        web.run(["vips", "jpegsave", rgb8, jpeg, "--Q", "80"])
        data = open(jpeg, "rb").read()
        if best is None or abs(len(data) - PHOTO_BYTES) < abs(len(best[0]) - PHOTO_BYTES):
            best = (data, side * 3 // 2, side)
        if abs(len(data) - PHOTO_BYTES) <= PHOTO_BYTES * 0.05:
            break
        side = max(16, int(side * (PHOTO_BYTES / len(data)) ** 0.5))
    return best


def publish_photo(ws, data, width, height):
    """The photo in Media/ by digest and in the sample publication's files (the original, not its translation), as publishing does."""
    digest = hashlib.sha256(data).hexdigest()
    folder = os.path.join(ws, "Media", digest[:2])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, digest), "wb") as f:
        f.write(data)
    files = [{"name": "photo.jpg", "kind": "image", "mediaType": "image/jpeg", "size": len(data), "digest": digest,
              "width": width, "height": height, "alt": "Noise"}]
    db = sqlite3.connect(os.path.join(ws, "Lists", "herald.sqlite"))
    with db:
        changed = db.execute("UPDATE publication SET files = ? WHERE slug = ? AND translation = ''", (json.dumps(files), SLUG)).rowcount
    db.close()
    if changed != 1:
        raise RuntimeError(f"the publication {SLUG} is not in the store")
    return f"/releases/{SLUG}/files/{digest}/photo.jpg", digest


def check_photo(url, data, digest):
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
        headers = response.headers
    problems = []
    if body != data:
        problems.append(f"the body ({len(body)} bytes) is not the photo ({len(data)} bytes)")
    if headers.get("Content-Type") != "image/jpeg":
        problems.append(f"Content-Type {headers.get('Content-Type')!r}")
    if headers.get("ETag") != f'"{digest}"':
        problems.append(f"ETag {headers.get('ETag')!r}")
    if headers.get("Cache-Control") != "public, max-age=31536000, immutable":
        problems.append(f"Cache-Control {headers.get('Cache-Control')!r}")
    if problems:
        raise RuntimeError(f"GET {url}: " + "; ".join(problems))


def main():
    for tool in [HERALD, web.BENCH, web.WRK, shutil.which("vips") or "/usr/bin/vips"]:
        if not os.path.exists(tool):
            sys.exit(f"{tool} is missing: run `make bench` (it builds herald in release mode) or scripts/bootstrap")
    work = tempfile.mkdtemp(prefix="herald-bench-presskit-")
    server = None
    try:
        ws = os.path.join(work, "ws")
        web.run([HERALD, "init", ws])
        web.run([HERALD, "publish", RELEASE], cwd=ws)
        data, width, height = photo(work)
        path, digest = publish_photo(ws, data, width, height)
        server = web.Server("herald serve", [HERALD, "serve", "--workspace", ws, "--host", "127.0.0.1", "--port", "0", "--no-deliver"], work)
        check_photo(server.url(path), data, digest)
        page_bytes = web.check_page(server.url(f"/releases/{SLUG}"))
        floor = web.Server("herald-bench http-floor", [web.BENCH, "http-floor", "--port", "0", "--bytes", str(len(data))], work)
        results = {"photo": [], "floor": [], "page": []}
        try:
            for _ in range(RUNS):
                results["photo"].append(web.wrk(server.url(path), SECONDS))
                results["floor"].append(web.wrk(floor.url("/"), SECONDS))
                results["page"].append(web.wrk(server.url(f"/releases/{SLUG}"), SECONDS))
        finally:
            floor.stop()
        print(f"press kit: a {len(data):,}-byte JPEG ({width}x{height}) from herald serve, the same number of bytes from "
              f"herald-bench http-floor, and the {page_bytes:,}-byte release page; wrk -t{web.THREADS} -c{web.CONNECTIONS} "
              f"-d{SECONDS}s, {RUNS} runs each, alternating")
        failed = []
        for name in ["photo", "floor", "page"]:
            runs = results[name]
            rps = statistics.median(r["requests_per_second"] for r in runs)
            p99 = statistics.median(r["p99_ms"] for r in runs)
            bad = sum(r["non_2xx_3xx"] + r["socket_errors"] for r in runs)
            megabytes = rps * (page_bytes if name == "page" else len(data)) / 1e6
            print(f"  {name:6} median {rps:,.0f} requests/s ({megabytes:,.0f} MB/s), p99 {p99:.2f} ms, "
                  f"runs {web.runs(runs)}, non-2xx or socket errors {bad}")
            if bad:
                failed.append(f"{name}: {bad} answers outside 2xx/3xx or socket errors")
        photo_rps = statistics.median(r["requests_per_second"] for r in results["photo"])
        floor_rps = statistics.median(r["requests_per_second"] for r in results["floor"])
        verdict = "meets" if photo_rps >= TARGET_PHOTO_RPS else "MISSES"
        print(f"  target: the photo at >= {TARGET_PHOTO_RPS:,} requests/s: {verdict} ({photo_rps:,.0f}); "
              f"photo/floor {photo_rps / floor_rps:.2f}")
        if photo_rps < TARGET_PHOTO_RPS:
            failed.append(f"photo at {photo_rps:,.0f} requests/s, below {TARGET_PHOTO_RPS:,}")
        if failed:
            sys.exit("press kit benchmark: " + "; ".join(failed))
    finally:
        if server:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
