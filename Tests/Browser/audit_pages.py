"""Looks at pages as people do, at a desktop's and a phone's width, and measures them with
axe-core's WCAG 2.1 A/AA rules; a full-page screenshot of each is kept. The Swift test
(Tests/HeraldBrowserTests/AccessibilityTests.swift) says what to look at and judges the result.

Standard input, JSON:
    {"artefacts": "FOLDER",                       screenshots go here
     "viewports": ["desktop", "phone"],           optional, both by default
     "accounts": {"admin": {"desk": "http://127.0.0.1:PORT", "email": "…", "password": "…"}},
     "pages": [{"name": "desk-users",             a name for the report and the screenshot
                "url": "http://127.0.0.1:PORT/users",
                "account": "admin",               optional: signed in as this account first
                "steps": [{"fill": "#email", "value": "…"}, {"click": "button"}]}]}
                                                  optional: done after loading, before measuring;
                                                  a click waits for the page it leads to
Standard output, JSON:
    {"pages": [{"name", "viewport", "url" (where it ended), "status" (HTTP), "title",
                "screenshot", "violations": [{"id", "impact", "help", "nodes": [{"target", "html", "summary"}]}],
                "keyboard": [{"element", "text", "visible"}]  what Tab reaches, in order, and whether focus shows,
                "error" (only when the page could not be looked at)}],
     "console_errors": ["URL: message", …]}
"""

import desk_browser


def look(browser, request: dict, page_spec: dict, viewport: str) -> dict:
    """Loads one page at one width (signed in when it says so), does its steps, measures it."""
    who = page_spec.get("account")
    name = page_spec["name"]
    result = {"name": name, "viewport": viewport}
    page = browser.new_page(viewport, who)
    try:
        if who is not None and who not in signed_in:
            account = request["accounts"][who]
            desk_browser.sign_in(page, account["desk"], account["email"], account["password"])
            signed_in.add(who)
        response = page.goto(page_spec["url"])
        for step in page_spec.get("steps", []):
            if "fill" in step:
                page.fill(step["fill"], step["value"])
            elif "check" in step:
                page.check(step["check"])
            elif "click" in step:
                with page.expect_navigation() as navigation:
                    page.click(step["click"])
                response = navigation.value
            else:
                raise ValueError(f"{name}: a step must fill, check or click: {step}")
        page.wait_for_load_state("load")
        result.update(
            url=page.url,
            status=response.status if response else None,
            title=page.title(),
            violations=desk_browser.axe(page),
            screenshot=desk_browser.screenshot(page, request["artefacts"], f"{name}-{viewport}"),
            # After the screenshot: the walk leaves the last element focused.
            keyboard=desk_browser.keyboard_walk(page),
        )
    except Exception as error:  # one page that fails does not hide the others' results
        result.update(url=page.url, error=f"{type(error).__name__}: {error}")
        desk_browser.log(f"{name} at {viewport}: {error}")
    finally:
        page.close()
    return result


# Who has signed in at the width being looked at (each width is its own browser context).
signed_in: set = set()


def main() -> None:
    request = desk_browser.read_request()
    viewports = request.get("viewports") or list(desk_browser.VIEWPORTS)
    results = []
    with desk_browser.session() as browser:
        for viewport in viewports:
            signed_in.clear()
            for page_spec in request["pages"]:
                results.append(look(browser, request, page_spec, viewport))
        console = browser.console
    desk_browser.write_result({"pages": results, "console_errors": console})


if __name__ == "__main__":
    main()
