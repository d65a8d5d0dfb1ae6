"""A hostile received message in the desk, in a real browser (issue 18): a viewer opens it,
and the test records every request the page and its frames make, whether any of the
message's scripts ran (each would change a title or fetch from another host), what axe-core
finds, and what a click on an attachment does. Screenshots at a desktop's and a phone's width.

Standard input (JSON): {"desk": "http://127.0.0.1:PORT", "viewer": {"email", "password"},
"message": "/inbox/1", "artefacts": "/folder"}

Standard output (JSON): {"requests": [URL…], "landed": [the URL each page ended at], "title", "frame_titles": [...], "frames",
"sandboxes": [...], "text", "download": {"name", "url", "navigated"}, "violations": [...],
"screenshots": [...], "console_errors": [...]}
"""

import desk_browser


def main() -> None:
    request = desk_browser.read_request()
    desk = request["desk"].rstrip("/")
    artefacts = request["artefacts"]
    result: dict = {"requests": [], "violations": [], "screenshots": [], "frame_titles": [], "landed": []}

    with desk_browser.session() as browser:
        for viewport in ("desktop", "phone"):
            page = browser.new_page(viewport, "viewer")
            # Each viewport has a cookie jar of its own: signed in in each.
            desk_browser.sign_in(page, desk, request["viewer"]["email"], request["viewer"]["password"])
            # Every request from now on, by the page or any frame in it.
            page.context.on("request", lambda r: result["requests"].append(r.url))
            for path, name in (("/inbox", "inbox"), (request["message"], "received")):
                page.goto(desk + path)
                page.wait_for_load_state("load")
                result["landed"].append(page.url)
                if page.locator("iframe").count():
                    # The frame's document laid out (so that the screenshot shows it).
                    page.frame_locator("iframe").locator("body").wait_for()
                page.wait_for_timeout(500)  # let anything the message could start have its go
                result["screenshots"].append(desk_browser.screenshot(page, artefacts, f"{name}-{viewport}"))
                for violation in desk_browser.axe(page):
                    if violation["impact"] in desk_browser.BLOCKING_IMPACTS:
                        targets = ", ".join(t for node in violation["nodes"] for t in node["target"])[:300]
                        result["violations"].append(f"{name} ({viewport}): {violation['id']} ({violation['impact']}): {violation['help']}: {targets}")
            if viewport == "desktop":
                result["title"] = page.title()
                result["frames"] = page.locator("iframe").count()
                result["sandboxes"] = [page.locator("iframe").nth(i).get_attribute("sandbox") for i in range(result["frames"])]
                result["text"] = page.locator(".received-text").inner_text() if page.locator(".received-text").count() else ""
                for frame in page.frames[1:]:
                    try:
                        result["frame_titles"].append(frame.title())
                    except Exception as error:  # a sandboxed frame may refuse evaluation: nothing ran there either
                        result["frame_titles"].append(f"(not readable: {type(error).__name__})")
                # An attachment claiming to be HTML: a click downloads it, the page stays.
                before = page.url
                with page.expect_download() as download:
                    page.click("a[href$='/page.html']")
                result["download"] = {
                    "name": download.value.suggested_filename, "url": download.value.url, "navigated": page.url != before,
                }
        result["console_errors"] = browser.console
    desk_browser.write_result(result)


if __name__ == "__main__":
    main()
