"""A press officer's whole morning in the desk, in a real browser (issue 17): sign in, write
a new release, see the check's errors and fix them (the skeleton's placeholders, then a
photo the text shows but nobody uploaded yet), upload the photo, preview the email, send it
to the lists, watch it go out and read the result. Then a viewer who tries to send is
refused. Screenshots of every step at a desktop's width, and of the main pages at a phone's.

Standard input (JSON): {"desk": "http://127.0.0.1:PORT", "sender": {"email", "password"},
"viewer": {"email", "password"}, "photo": "/path/photo.jpg", "artefacts": "/folder",
"title": "…", "list": "press-en", "wait_seconds": 120}

Standard output (JSON): what each step saw, for the Swift test to judge:
{"file", "skeleton_errors", "missing_photo_errors", "uploaded", "errors_after", "preview": {…},
 "confirmation", "campaign", "final_state", "sent", "viewer_send_status", "screenshots": […],
 "console_errors": […]}
"""

import re
import time

import desk_browser


def count(page, selector: str) -> int:
    return page.locator(selector).count()


text = desk_browser.text


def main() -> None:
    request = desk_browser.read_request()
    desk = request["desk"].rstrip("/")
    artefacts = request["artefacts"]
    steps = desk_browser.Steps(artefacts)
    shoot = steps.shoot
    result: dict = {"screenshots": steps.shots, "violations": steps.violations}

    with desk_browser.session() as browser:
        page = browser.new_page("desktop", "sender")
        desk_browser.sign_in(page, desk, request["sender"]["email"], request["sender"]["password"])
        shoot(page, "01-releases-1280x800")

        # A new release from the skeleton, for the list.
        page.click("a[href='/releases/new']")
        page.fill("#title", request["title"])
        page.check(f"#list-{request['list']}")
        shoot(page, "02-new-release-1280x800")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        match = re.search(r"/releases/([^/]+\.md)/edit", page.url)
        if not match:
            raise RuntimeError(f"creating the release led to {page.url}, not its editor: {text(page, 'main')[:500]}")
        file = match.group(1)
        result["file"] = file
        slug = file[:-3]
        shoot(page, "03-editor-skeleton-1280x800")

        # The check of the skeleton: its placeholders are errors.
        page.goto(f"{desk}/releases/{file}/check")
        result["skeleton_errors"] = count(page, ".diagnostic-error")
        shoot(page, "04-check-skeleton-1280x800")

        # The text written over the skeleton (and its dateline and summary), showing a photo that
        # is not uploaded yet.
        page.goto(f"{desk}/releases/{file}/edit")
        front = page.input_value("#front-matter")
        front = re.sub(r'(?m)^dateline: "CITY', 'dateline: "ALPHAVILLE', front)
        front = re.sub(r'(?m)^summary: .*$', 'summary: "Autumn flows in the northern basin were a third below the thirty-year average."', front)
        body = (
            "Rivers in the northern basin carried a third less water this autumn than the average of the last "
            "thirty years, the Example Institute said today.\n\n"
            f"![A dry riverbed below the dam]({slug}/riverbed.jpg \"The riverbed in November — Photo: Example Institute\")\n\n"
            "“The gauges have never read this low in November,” said **Dr. Ana Example**, who leads the "
            "institute's hydrology team. “Towns that draw from the river should plan for a dry spring.”\n\n"
            "The institute measured the flow at twelve stations between September and November.\n\n"
            "For questions, contact Dr. Ana Example at press@example.org.\n"
        )
        page.fill("#front-matter", front)
        page.fill("#markdown", body)
        with page.expect_navigation():
            page.click("form.editor button[type=submit]")
        shoot(page, "05-editor-missing-photo-1280x800")
        page.goto(f"{desk}/releases/{file}/check")
        result["missing_photo_errors"] = count(page, ".diagnostic-error")
        result["check_missing_photo"] = text(page, ".diagnostics")[:2000]
        shoot(page, "06-check-missing-photo-1280x800")

        # The photo, uploaded through the files page.
        page.goto(f"{desk}/releases/{file}/files")
        page.set_input_files("#upload", request["photo"])
        with page.expect_navigation():
            page.click("form[enctype='multipart/form-data'] button[type=submit]")
        result["uploaded"] = text(page, "main")[:1500]
        shoot(page, "07-files-uploaded-1280x800")

        # Checked again: nothing in the way of sending.
        page.goto(f"{desk}/releases/{file}/check")
        result["errors_after"] = count(page, ".diagnostic-error")
        result["check_after"] = text(page, "main")[:2000]
        shoot(page, "08-check-clean-1280x800")

        # The email as a subscriber gets it, signed and verified, and the archive page.
        page.goto(f"{desk}/releases/{file}/preview")
        frames = page.locator("iframe")
        result["preview"] = {
            "frames": frames.count(),
            "sandboxes": [frames.nth(i).get_attribute("sandbox") for i in range(frames.count())],
            "dkim": text(page, ".dkim"),
            "text_part": text(page, "pre")[:3000],
        }
        shoot(page, "09-preview-1280x800")
        # A full-page screenshot leaves sandboxed frames blank; the email's frame as it is seen:
        page.locator("iframe").first.scroll_into_view_if_needed()
        page.locator("iframe").first.content_frame.locator("body").wait_for()
        path = f"{artefacts}/09b-preview-email-frame-1280x800.png"
        page.screenshot(path=path)
        steps.shots.append(path)

        # The plan, the confirmation that names the number, and the send.
        page.goto(f"{desk}/releases/{file}/send")
        result["plan"] = text(page, "main")[:3000]
        shoot(page, "10-plan-1280x800")
        with page.expect_navigation():
            page.locator("main form").first.locator("button[type=submit]").click()
        result["confirmation"] = text(page, "main")[:1500]
        shoot(page, "11-confirm-1280x800")
        with page.expect_navigation():
            page.locator("main form").first.locator("button[type=submit]").click()
        if "/campaigns/" not in page.url:
            raise RuntimeError(f"confirming led to {page.url}, not the campaign: {text(page, 'main')[:800]}")
        result["campaign"] = page.url.rsplit("/", 1)[-1]
        shoot(page, "12-campaign-sending-1280x800")

        # The page refreshes itself until the campaign has finished (bounded: the test's limit).
        deadline = time.monotonic() + float(request.get("wait_seconds", 120))
        while time.monotonic() < deadline and count(page, ".state-finished") == 0 and count(page, ".state-failed") == 0:
            page.wait_for_timeout(250)
        result["final_state"] = text(page, "p[role=status] .state")
        result["result"] = text(page, "main")[:3000]
        shoot(page, "13-campaign-result-1280x800")

        # The same pages on a phone.
        phone = browser.new_page("phone", "sender-phone")
        desk_browser.sign_in(phone, desk, request["sender"]["email"], request["sender"]["password"])
        for name, path in [
            ("releases", "/"), ("editor", f"/releases/{file}/edit"), ("check", f"/releases/{file}/check"),
            ("preview", f"/releases/{file}/preview"), ("campaign", f"/campaigns/{result['campaign']}"),
        ]:
            phone.goto(desk + path)
            shoot(phone, f"phone-{name}-390x844")

        # A viewer may read the release but not send it: the page says so and nothing starts.
        viewer = browser.new_page("desktop", "viewer")
        desk_browser.sign_in(viewer, desk, request["viewer"]["email"], request["viewer"]["password"])
        response = viewer.goto(f"{desk}/releases/{file}/send")
        result["viewer_send_status"] = response.status if response else None
        result["viewer_send_text"] = text(viewer, "main")[:500]
        shoot(viewer, "14-viewer-refused-1280x800")

        result["console_errors"] = browser.console
    desk_browser.write_result(result)


if __name__ == "__main__":
    main()
