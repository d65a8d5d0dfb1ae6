#!/usr/bin/env python3
"""make bench: RSA-2048 DKIM signing against `openssl speed rsa2048`, in the same run, one core.

Herald: `herald-bench dkim` DKIM-signs the composed sample release (relaxed/relaxed, the
body hashed, the header canonicalised, RSA-2048 PKCS#1 v1.5 through swift-crypto) again and
again on one thread. OpenSSL: `openssl speed -seconds S rsa2048`, its "sign/s" (the RSA
operation alone). Both are pinned to the same core and run three times, alternating; the
medians are compared.

Usage: python3 Benchmarks/dkim.py [SECONDS]   (default 5)
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "herald-bench")
HERALD = os.path.join(ROOT, ".build", "release", "herald")
SECONDS = sys.argv[1] if len(sys.argv) > 1 else "5"
TARGET = 1.5


def pinned(command):
    if shutil.which("taskset"):
        return ["taskset", "-c", str(os.cpu_count() - 1)] + command
    return command


def main():
    work = tempfile.mkdtemp(prefix="herald-dkim-bench-")
    try:
        ws = os.path.join(work, "ws")
        subprocess.run([HERALD, "init", ws], check=True, capture_output=True)
        release = os.path.join(ws, "Releases", "2020-03-31-water-report.md")
        herald, openssl = [], []
        for _ in range(3):
            out = subprocess.run(pinned([BENCH, "dkim", ws, release, SECONDS]), check=True, capture_output=True, text=True).stdout
            herald.append(json.loads(out)["signatures_per_second"])
            out = subprocess.run(pinned(["openssl", "speed", "-seconds", SECONDS, "rsa2048"]), check=True, capture_output=True, text=True).stdout
            match = re.search(r"^rsa\s+2048 bits\s+[0-9.]+s\s+[0-9.]+s\s+([0-9.]+)", out, re.MULTILINE)
            if not match:
                sys.exit(f"cannot read openssl speed's output:\n{out}")
            openssl.append(float(match.group(1)))
        h, o = statistics.median(herald), statistics.median(openssl)
        ratio = o / h
        print(f"DKIM benchmark: RSA-2048 signatures per second on one core, {SECONDS} s runs, medians of 3")
        print(f"  herald DKIM-Signature {h:8,.0f}/s  (runs: {' / '.join(f'{x:,.0f}' for x in herald)}; relaxed/relaxed over a 12.7 kB message)")
        print(f"                        herald-bench dkim WS {os.path.relpath(release, work)} {SECONDS}")
        print(f"  openssl speed rsa2048 {o:8,.0f}/s  (runs: {' / '.join(f'{x:,.0f}' for x in openssl)}; the RSA operation alone)")
        verdict = "meets" if ratio <= TARGET else "MISSES"
        print(f"  openssl/herald        {ratio:8.2f}  (target ≤ {TARGET}: {verdict})")
        print(json.dumps({"benchmark": "dkim", "herald_per_second": h, "openssl_per_second": o, "ratio": ratio, "herald_runs": herald, "openssl_runs": openssl}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
