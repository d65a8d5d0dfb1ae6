"""Subscribers and lists in a real browser (issue 18): an editor imports a CSV into a list by
upload, sees the columns Herald found and the dry run's counts before anything is written,
imports it and reads the result; finds one of the new subscribers by searching; is refused
"forget". An administrator then forgets that subscriber after typing the address. Screenshots
at a desktop's width and a phone's.

Standard input (JSON): {"desk": "http://127.0.0.1:PORT", "editor": {"email", "password"},
"admin": {"email", "password"}, "csv": "/path/people.csv", "list": "press-en",
"artefacts": "/folder", "wait_seconds": 60}

Standard output (JSON): what each step saw, for the Swift test to judge.
"""

import re
import time

import desk_browser


text = desk_browser.text


def main() -> None:
    request = desk_browser.read_request()
    desk = request["desk"].rstrip("/")
    artefacts = request["artefacts"]
    steps = desk_browser.Steps(artefacts)
    shoot = steps.shoot
    result: dict = {"screenshots": steps.shots, "violations": steps.violations}

    list_name = request["list"]
    with desk_browser.session() as browser:
        page = browser.new_page("desktop", "editor")
        desk_browser.sign_in(page, desk, request["editor"]["email"], request["editor"]["password"])

        # The lists, then the list's page and its import form.
        page.goto(f"{desk}/lists")
        shoot(page, "01-lists-1280x800")
        page.goto(f"{desk}/lists/{list_name}")
        shoot(page, "02-list-1280x800")
        page.click(f"a[href='/lists/{list_name}/import']")
        page.set_input_files("#file", request["csv"])
        page.fill("#note", "met at the 2026 press fair, asked for our releases")
        shoot(page, "03-import-upload-1280x800")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        result["check"] = text(page, "main")[:3000]
        result["check_url"] = page.url
        shoot(page, "04-import-check-1280x800")

        # The go-ahead; the page follows the import until it has ended.
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        result["import_url"] = page.url
        deadline = time.monotonic() + float(request.get("wait_seconds", 60))
        while time.monotonic() < deadline and page.locator("#import-progress[data-refresh]").count() > 0:
            page.wait_for_timeout(200)
        result["import_result"] = text(page, "main")[:3000]
        shoot(page, "05-import-result-1280x800")

        # Finding one of them, and their page.
        page.goto(f"{desk}/subscribers")
        page.fill("#q", "lefèvre")
        with page.expect_navigation():
            page.click("form[role=search] button[type=submit]")
        result["search"] = text(page, "main")[:2000]
        shoot(page, "06-search-1280x800")
        link = page.locator("ul.subscribers h2 a").first
        with page.expect_navigation():
            link.click()
        subscriber_url = page.url
        result["subscriber"] = text(page, "main")[:3000]
        shoot(page, "07-subscriber-1280x800")

        # An editor may not forget anyone: refused, nothing changes.
        response = page.goto(subscriber_url + "/forget")
        result["editor_forget_status"] = response.status if response else None
        shoot(page, "08-editor-forget-refused-1280x800")

        # The same pages on a phone.
        phone = browser.new_page("phone", "editor-phone")
        desk_browser.sign_in(phone, desk, request["editor"]["email"], request["editor"]["password"])
        for name, path in [("lists", "/lists"), ("search", "/subscribers?q=example"), ("subscriber", subscriber_url[len(desk):]),
                           ("import", f"/lists/{list_name}/import")]:
            phone.goto(desk + path)
            shoot(phone, f"phone-{name}-390x844")

        # An administrator forgets them after typing the address.
        admin = browser.new_page("desktop", "admin")
        desk_browser.sign_in(admin, desk, request["admin"]["email"], request["admin"]["password"])
        admin.goto(subscriber_url + "/forget")
        shoot(admin, "09-admin-forget-1280x800")
        address = admin.locator("#confirm-hint").inner_text().strip()
        result["forgotten_address"] = address
        admin.fill("#confirm", address)
        with admin.expect_navigation():
            admin.click("main form button[type=submit]")
        result["forgotten"] = text(admin, "main")[:1000]
        shoot(admin, "10-admin-forgotten-1280x800")
        response = admin.goto(subscriber_url)
        result["after_forget_status"] = response.status if response else None

        result["console_errors"] = browser.console
    desk_browser.write_result(result)


if __name__ == "__main__":
    main()
