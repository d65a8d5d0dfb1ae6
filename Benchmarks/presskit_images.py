#!/usr/bin/env python3
"""make bench: the press kit — photos made once, reused, and no cost per message.

In a fresh workspace (herald init), makes five 6000x4000 JPEG photos (vips, each a
different pattern) and a 20 MB PDF, and a release that shows the photos and links the
PDF. Then, with the release build:
  1. `herald check` the first time: every rendition and the press kit's files made into
     Media/ — wall time and peak memory (max RSS, /usr/bin/time -v); targets < 5 s and
     < 250 MB;
  2. `herald check` again: everything reused from Media/'s index — target < 0.5 s;
  3. herald-bench compose of COUNT personalised messages with the photos and files
     (--media) and of the same message written by hand (the addresses and the press-kit
     list in the Markdown), in the same run: with them must be no slower (images are
     referenced, not re-encoded per message).

Usage: python3 Benchmarks/presskit_images.py [COUNT]   (default 20000)
"""
import email
import email.policy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERALD = os.path.join(ROOT, ".build", "release", "herald")
BENCH = os.path.join(ROOT, ".build", "release", "herald-bench")
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
PHOTOS = 5


def run(command, cwd):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"benchmark failed: {' '.join(command)}\n{result.stdout}{result.stderr}")
    return result


def make_photo(path, index):
    """A 6000x4000 JPEG of sine patterns, different for each index, with EXIF like a camera's."""
    work = path + ".v"
    run(["vips", "sines", work, "6000", "4000", "--hfreq", str(3 + index), "--vfreq", str(2 + index)], ROOT)
    run(["vips", "linear", work, work + "2.v", "100", "128"], ROOT)
    run(["vips", "cast", work + "2.v", work + "3.v", "uchar"], ROOT)
    run(["vips", "bandjoin", f"{work}3.v {work}3.v {work}3.v", work + "4.v"], ROOT)
    run(["vips", "copy", work + "4.v", path + "[Q=90]", "--interpretation", "srgb"], ROOT)
    for suffix in ["", "2.v", "3.v", "4.v"]:
        os.remove(work + suffix)
    run(["exiftool", "-q", "-overwrite_original", "-GPSLatitude=52.5", "-GPSLatitudeRef=N", "-SerialNumber=BENCH",
         "-Copyright=Institute for Example Studies", path], ROOT)


def timed(command, cwd):
    """Wall seconds and max RSS (MB) of a command, from /usr/bin/time -v."""
    start = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-v"] + command, cwd=cwd, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(f"benchmark failed: {' '.join(command)}\n{result.stdout}{result.stderr}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1)) / 1024
    return seconds, rss


def handwritten(workspace, release, text):
    """The release's text with the addresses of its photos and files written out, and the
    press kit as a Markdown list, from the message `herald preview` composes."""
    out = os.path.join(workspace, "preview-bench")
    run([HERALD, "preview", release, "--deterministic", "--out", out], workspace)
    with open(os.path.join(out, "message.eml"), "rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    html = message.get_body(("html",)).get_content()
    plain = message.get_body(("plain",)).get_content()
    images = re.findall(r'<img src="([^"]+)"', html)
    for index, url in enumerate(images):
        text = text.replace(f"](photo{index}.jpg ", f"]({url} ")
    report = re.search(r'href="([^"]+/report\.pdf)"', html).group(1)
    text = text.replace("(report.pdf)", f"({report})")
    kit = plain[plain.index("Press kit"):].split("\n\n")[0].splitlines()
    items = [re.match(r"- (.+) \((.+)\): (\S+)$", line) for line in kit[2:-1]]
    text += "\n## Press kit\n\n" + "".join(f"- [{m.group(1)}]({m.group(3)}) ({m.group(2)})\n" for m in items if m)
    zip_url = kit[-1].split(": ", 1)[1]
    return text + f"\n[Download everything (ZIP)]({zip_url})\n"


def compose(workspace, release, media):
    """herald-bench compose on one core (the last, as Benchmarks/compose.py does)."""
    command = [BENCH, "compose", workspace, release, str(COUNT)] + (["--media"] if media else [])
    if shutil.which("taskset"):
        command = ["taskset", "-c", str(os.cpu_count() - 1)] + command
    return json.loads(run(command, ROOT).stdout.strip().splitlines()[-1])


def median(runs):
    return sorted(runs, key=lambda r: r["messages_per_second"])[len(runs) // 2]


def main():
    workspace = tempfile.mkdtemp(prefix="herald-press-kit-")
    try:
        run([HERALD, "init", workspace], ROOT)
        releases = os.path.join(workspace, "Releases")
        print(f"Press kit benchmark: {PHOTOS} photos of 6000x4000 and a 20 MB PDF; {COUNT:,} messages")
        for index in range(PHOTOS):
            make_photo(os.path.join(releases, f"photo{index}.jpg"), index)
        with open(os.path.join(releases, "report.pdf"), "wb") as handle:
            handle.write(b"%PDF-1.4\n" + os.urandom(20 * 1000 * 1000) + b"\n%%EOF\n")
        front = ('---\ntitle: "Five photos and a report"\ndate: 2026-12-06\nsummary: "A benchmark release."\n'
                 'lists: [press-en]\n---\n\n')
        text = "The study in pictures.\n\n" + "".join(
            f'![Photo {i}](photo{i}.jpg "Photo {i} of the study — Photo: Institute for Example Studies")\n\n' for i in range(PHOTOS))
        text += "Read [the full report](report.pdf).\n"
        release = os.path.join(releases, "press-kit.md")
        with open(release, "w") as handle:
            handle.write(front + text)
        first, rss = timed([HERALD, "check", release], workspace)
        print(f"  first check   {first:>8.2f} s   peak memory {rss:,.0f} MB   (renditions and press kit made; "
              f"targets < 5 s, < 250 MB: {'meets' if first < 5 else 'MISSES'}, {'meets' if rss < 250 else 'MISSES'})")
        second, rss2 = timed([HERALD, "check", release], workspace)
        print(f"  second check  {second:>8.2f} s   peak memory {rss2:,.0f} MB   (all reused from Media/; "
              f"target < 0.5 s: {'meets' if second < 0.5 else 'MISSES'})")
        media = sum(len(files) for _, _, files in os.walk(os.path.join(workspace, "Media")))
        # The same message written by hand: every photo and file by the address Herald
        # gives it, and the press kit as a list, so both messages are the same size and
        # only the work of resolving references differs.
        plain = os.path.join(releases, "plain.md")
        with open(plain, "w") as handle:
            handle.write(front + handwritten(workspace, release, text))
        # Three rounds, the two alternating, so that a shared machine's drifting load hits
        # both alike; the medians count.
        rounds = [(compose(workspace, plain, False), compose(workspace, release, True)) for _ in range(3)]
        without = median([r[0] for r in rounds])
        with_media = median([r[1] for r in rounds])
        ratio = with_media["messages_per_second"] / without["messages_per_second"]
        # Per byte: the press kit's message is a little larger (its section is styled).
        byte_ratio = (with_media["messages_per_second"] * with_media["average_bytes"]) / (
            without["messages_per_second"] * without["average_bytes"])
        print(f"  compose, addresses by hand {without['messages_per_second']:>10,.0f} msg/s ({without['average_bytes']:,} bytes/message)")
        print(f"  compose, press kit         {with_media['messages_per_second']:>10,.0f} msg/s ({with_media['average_bytes']:,} bytes/message)"
              f"  ratio {ratio:.2f}, per byte {byte_ratio:.2f} ({'no slower' if byte_ratio >= 0.95 else 'SLOWER'})")
        print(json.dumps({"benchmark": "press_kit", "first_check_seconds": first, "first_check_max_rss_mb": rss,
                          "second_check_seconds": second, "media_files": media, "compose_without": without,
                          "compose_with": with_media, "ratio": ratio,
                          "byte_ratio": byte_ratio}))
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    main()
