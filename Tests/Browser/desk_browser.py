"""What every browser test of Herald needs: Debian's Chromium driven by Playwright, kept off
the internet, at a desktop's and a phone's size; signing in to the desk; axe-core's WCAG 2.1
A/AA rules; full-page screenshots; and the JSON a Swift test sends on standard input and
reads back from standard output (Tests/HeraldTesting/BrowserScript.swift).

A script built on it:

    import desk_browser
    request = desk_browser.read_request()
    with desk_browser.session() as browser:
        page = browser.new_page("phone")
        page.goto(request["url"])
        desk_browser.write_result({"violations": desk_browser.axe(page)})

Playwright never downloads a browser here: it launches /usr/bin/chromium (scripts/bootstrap
installs it), or $HERALD_CHROMIUM.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from pathlib import Path

# Exit status of a script whose browser tools are missing (automake's "skipped"): the Swift
# side reports it as such, with the message on standard error.
UNAVAILABLE = 77

try:
    from playwright.sync_api import sync_playwright
    from axe_playwright_python.sync_playwright import Axe
except ImportError as error:  # pragma: no cover - depends on the machine
    print(
        f"python3 cannot import Playwright and axe ({error}); scripts/bootstrap installs them "
        "(pip: playwright axe-playwright-python)",
        file=sys.stderr,
    )
    sys.exit(UNAVAILABLE)

CHROMIUM = os.environ.get("HERALD_CHROMIUM", "/usr/bin/chromium")

# The sizes pages are looked at: a laptop, and a phone (an iPhone 12-15's CSS pixels).
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
}

# axe-core's rules for WCAG 2.1 levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The impacts that fail a page (axe's scale: minor, moderate, serious, critical).
BLOCKING_IMPACTS = ("serious", "critical")


def read_request() -> dict:
    """The JSON object the test wrote to standard input ({} when it wrote nothing)."""
    text = sys.stdin.read()
    return json.loads(text) if text.strip() else {}


def write_result(result: dict) -> None:
    """Writes the result as JSON to standard output: the only thing a script prints there."""
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    sys.stdout.flush()


def log(*words) -> None:
    """A line on standard error: the Swift test shows it when the script fails."""
    print(*words, file=sys.stderr, flush=True)


class RefusingPort:
    """A port on 127.0.0.1 bound but never listening: a connection to it is refused at once.
    The browser's proxy for everything that is not loopback, so it reaches nothing else (it
    otherwise asks Google's servers on its own, whatever the page does)."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]

    def close(self) -> None:
        self.socket.close()


class Browser:
    """A launched Chromium: pages at a viewport's size, in browser contexts (cookie jars)
    that are kept by size and by who is signed in to them."""

    def __init__(self, browser) -> None:
        self.browser = browser
        self.contexts: dict[tuple[str, str | None], object] = {}
        self.console: list[str] = []

    def context(self, viewport: str = "desktop", who: str | None = None):
        """The browser context at `viewport` ("desktop" or "phone") for `who` (a name the
        caller gives a signed-in person; None: nobody signed in), made when first asked for."""
        key = (viewport, who)
        if key not in self.contexts:
            context = self.browser.new_context(**VIEWPORTS[viewport])
            context.set_default_timeout(15_000)
            self.contexts[key] = context
        return self.contexts[key]

    def new_page(self, viewport: str = "desktop", who: str | None = None):
        """A new tab at `viewport` in `who`'s context; what it logs to the console as an
        error (a refused inline script or style, a failed load) is collected in `console`."""
        page = self.context(viewport, who).new_page()
        page.on("console", lambda message: self._console(page, message))
        return page

    def _console(self, page, message) -> None:
        if message.type == "error":
            self.console.append(f"{page.url}: {message.text}")


@contextlib.contextmanager
def session():
    """Playwright with Debian's Chromium, headless, off the internet; closed afterwards."""
    refusing = RefusingPort()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                # Chromium's sandbox will not start as root, which CI is.
                chromium_sandbox=os.geteuid() != 0,
                proxy={"server": f"http://127.0.0.1:{refusing.port}", "bypass": "127.0.0.1,localhost"},
                args=[
                    # Names other than loopback do not resolve.
                    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
                    # /dev/shm is small in containers; Chromium crashes when it fills up.
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-pings",
                ],
            )
            try:
                yield Browser(browser)
            finally:
                browser.close()
    finally:
        refusing.close()


def sign_in(page, desk: str, email: str, password: str):
    """Signs in to the desk at `desk` (http://127.0.0.1:PORT) through its form, as a person
    does; returns the response of the page it lands on. Raises when the desk refuses."""
    page.goto(desk.rstrip("/") + "/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation() as navigation:
        page.click("form[action='/sign-in'] button[type=submit]")
    response = navigation.value
    if "/sign-in" in page.url:
        problem = page.locator(".problem").all_inner_texts()
        raise RuntimeError(f"signing in as {email} at {desk} failed: {' '.join(problem) or page.url}")
    return response


def axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now: each with its rule id,
    impact, help text and the elements (CSS selectors and a piece of their HTML)."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    response = Axe().run(page, options=options).response
    return [
        {
            "id": violation["id"],
            "impact": violation.get("impact") or "unknown",
            "help": violation.get("help", ""),
            "nodes": [
                {
                    "target": [" ".join(part) if isinstance(part, list) else part for part in node.get("target", [])],
                    "html": node.get("html", "")[:200],
                    "summary": (node.get("failureSummary") or "")[:300],
                }
                for node in violation.get("nodes", [])
            ],
        }
        for violation in response.get("violations", [])
    ]


# For the focused element: a name for it, and whether focus is drawn on it (an outline, the
# browser's own ring, or a shadow); undefined once focus has left the page or come round again.
_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return undefined;
  if (window.__heraldFirstFocus === e) return undefined;
  if (!window.__heraldFirstFocus) window.__heraldFirstFocus = e;
  const s = getComputedStyle(e);
  const drawn = (s.outlineStyle !== 'none' && (s.outlineStyle === 'auto' || parseFloat(s.outlineWidth) > 0)) || s.boxShadow !== 'none';
  const what = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.getAttribute('name') ? '[name=' + e.getAttribute('name') + ']' : '')
    + (e.getAttribute('href') ? '[href=' + e.getAttribute('href').slice(0, 60) + ']' : '');
  return {element: what, text: (e.innerText || e.value || '').trim().slice(0, 40), visible: drawn};
}"""


# The focused element of a frame's own document, when the frame has the focus (a link of the
# email in the desk's preview): what it is and whether its focus is drawn there.
_FOCUSED_IN_FRAME = """() => {
  const e = document.activeElement;
  if (!document.hasFocus() || !e || e === document.body || e === document.documentElement) return undefined;
  const s = getComputedStyle(e);
  const drawn = (s.outlineStyle !== 'none' && (s.outlineStyle === 'auto' || parseFloat(s.outlineWidth) > 0)) || s.boxShadow !== 'none';
  const what = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.getAttribute('href') ? '[href=' + e.getAttribute('href').slice(0, 60) + ']' : '');
  return {element: what, text: (e.innerText || e.value || '').trim().slice(0, 40), visible: drawn};
}"""


def keyboard_walk(page, limit: int = 80) -> list[dict]:
    """Tabs through the page from its top as a keyboard user does: every element focus
    reaches, in order ({"element", "text", "visible"}: whether the focus is drawn on it).
    Focus inside a frame (a sandboxed preview, another origin) is judged in the frame's own
    document, where the browser draws it."""
    page.evaluate("() => { window.__heraldFirstFocus = null; if (document.activeElement) document.activeElement.blur(); }")
    reached = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if not focused:
            break
        if focused["element"].startswith("iframe"):
            for frame in page.frames[1:]:
                try:
                    inside = frame.evaluate(_FOCUSED_IN_FRAME)
                except Exception:  # a frame that is gone or not loaded: judged from outside
                    inside = None
                if inside:
                    focused = dict(inside, element="iframe > " + inside["element"])
                    break
        reached.append(focused)
    return reached


class Steps:
    """What a workflow's steps saw: a screenshot of each into `artefacts`, and axe's WCAG 2.1
    A/AA findings that block (serious, critical), named by step."""

    def __init__(self, artefacts: str) -> None:
        self.artefacts = artefacts
        self.shots: list[str] = []
        self.violations: list[str] = []

    def shoot(self, page, name: str) -> None:
        self.shots.append(screenshot(page, self.artefacts, name))
        for violation in axe(page):
            if violation["impact"] in BLOCKING_IMPACTS:
                targets = ", ".join(t for node in violation["nodes"] for t in node["target"])[:300]
                self.violations.append(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']}: {targets}")


def text(page, selector: str) -> str:
    """The visible text of what `selector` finds, joined by spaces."""
    return " ".join(t.strip() for t in page.locator(selector).all_inner_texts())


def screenshot(page, artefacts: str, name: str) -> str:
    """A PNG of the whole page (not only the window) in the folder `artefacts`, named
    NAME.png; returns its path."""
    folder = Path(artefacts)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (safe_name(name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return str(path)


def safe_name(name: str) -> str:
    """`name` with only letters, digits, dots, dashes and underscores: a file name."""
    return "".join(c if c.isalnum() or c in "._-" else "-" for c in name).strip("-.") or "page"
