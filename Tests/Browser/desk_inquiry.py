"""A journalist's question answered by the team, in a real browser (issue 18): an editor finds
the new inquiry in the shared inbox and assigns it to a colleague; the colleague sees it among
their own, writes the answer in Markdown, previews the email and sends it; the release's report
then counts the inquiry answered. Screenshots of every step at a desktop's width, and of the
same pages at a phone's.

Standard input (JSON): {"desk": "http://127.0.0.1:PORT", "editor": {"email", "password"},
"colleague": {"email", "password", "name"}, "subject": "…", "release": "FILE.md",
"answer": "Markdown…", "artefacts": "/folder"}

Standard output (JSON): what each step saw, for the Swift test to judge:
{"inbox", "inquiry", "assigned", "mine", "preview", "sent", "report", "screenshots": […],
 "console_errors": […], "violations": […]}
"""

import re

import desk_browser


text = desk_browser.text


def main() -> None:
    request = desk_browser.read_request()
    desk = request["desk"].rstrip("/")
    artefacts = request["artefacts"]
    steps = desk_browser.Steps(artefacts)
    shoot = steps.shoot
    result: dict = {"screenshots": steps.shots, "violations": steps.violations}

    with desk_browser.session() as browser:
        # The editor: the shared inbox, the question, and who answers it.
        editor = browser.new_page("desktop", "editor")
        desk_browser.sign_in(editor, desk, request["editor"]["email"], request["editor"]["password"])
        editor.click("nav a[href='/inquiries']")
        result["inbox"] = text(editor, "main")[:3000]
        result["navigation"] = text(editor, "nav a[href='/inquiries']")
        shoot(editor, "01-inquiries-1280x800")
        with editor.expect_navigation():
            editor.get_by_role("link", name=request["subject"]).first.click()
        match = re.search(r"/inquiries/(\d+)$", editor.url)
        if not match:
            raise RuntimeError(f"the inquiry's link led to {editor.url}: {text(editor, 'main')[:500]}")
        inquiry = match.group(1)
        result["id"] = int(inquiry)
        result["inquiry"] = text(editor, "main")[:4000]
        shoot(editor, "02-inquiry-1280x800")
        editor.select_option("#assign-user", label=request["colleague"]["name"])
        with editor.expect_navigation():
            editor.locator(f"form[action='/inquiries/{inquiry}/assign'] button[type=submit]").click()
        result["assigned"] = text(editor, "main")[:4000]
        shoot(editor, "03-assigned-1280x800")

        # The colleague: their inquiries, the answer in Markdown, its preview, then sent.
        colleague = browser.new_page("desktop", "colleague")
        desk_browser.sign_in(colleague, desk, request["colleague"]["email"], request["colleague"]["password"])
        colleague.goto(f"{desk}/inquiries?assignee=mine")
        result["mine"] = text(colleague, "main")[:3000]
        shoot(colleague, "04-my-inquiries-1280x800")
        with colleague.expect_navigation():
            colleague.get_by_role("link", name=request["subject"]).first.click()
        colleague.fill("#reply-markdown", request["answer"])
        with colleague.expect_navigation():
            colleague.locator(f"form[action='/inquiries/{inquiry}/reply'] button[type=submit]").click()
        result["preview"] = text(colleague, "main")[:4000]
        shoot(colleague, "05-reply-preview-1280x800")
        with colleague.expect_navigation():
            colleague.locator(f"form[action='/inquiries/{inquiry}/reply/send'] button[type=submit]").first.click()
        result["sent"] = text(colleague, "main")[:4000]
        shoot(colleague, "06-answered-1280x800")

        # The release's report counts it.
        colleague.goto(f"{desk}/releases/{request['release']}/report")
        result["report"] = text(colleague, "main")[:6000]
        shoot(colleague, "07-report-1280x800")

        # The same pages on a phone.
        phone = browser.new_page("phone", "colleague-phone")
        desk_browser.sign_in(phone, desk, request["colleague"]["email"], request["colleague"]["password"])
        for name, path in [
            ("inquiries", "/inquiries"), ("inquiry", f"/inquiries/{inquiry}"), ("report", f"/releases/{request['release']}/report"),
        ]:
            phone.goto(desk + path)
            shoot(phone, f"phone-{name}-390x844")

        result["console_errors"] = browser.console
    desk_browser.write_result(result)


if __name__ == "__main__":
    main()
