"""The API docs (/docs) in a real browser with every other origin cut off, as in an air-gapped
network: Swagger UI, served by the gateway from its vendored copy (app/api/docs.py), renders every
operation of the OpenAPI document under the gateway's strict Content-Security-Policy, and can call
the API (GET /health, "Try it out"), with no request to anywhere but the gateway and none failing."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed in .venv-app")
expect = sync_api.expect
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")  # OpenAPI's operations


def origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


@pytest.fixture()
def offline_page(browser, gateway):
    """A page whose requests to any origin but the gateway's are aborted (and recorded)."""
    context = browser.new_context(base_url=gateway, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    outside: list[str] = []

    def only_the_gateway(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or origin(url) == origin(gateway):
            route.continue_()
        else:
            outside.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", only_the_gateway)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} ({request.failure})"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status}: {response.url}") if response.status >= 400 else None
        ),
    )
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.outside, page.problems = outside, problems
    yield page
    context.close()


def rendered_operations(page) -> set[str]:
    """The operations Swagger UI renders, scrolling the page to its end: it renders long lists of
    tags and operations virtually (only those near the viewport are in the DOM at a time)."""
    seen: set[str] = set()
    for _ in range(400):
        ids = page.eval_on_selector_all(".opblock", "blocks => blocks.map(b => b.id)")
        seen.update(ids)
        at_end = page.evaluate(
            "() => { const before = window.scrollY; window.scrollBy(0, window.innerHeight / 2);"
            " return window.scrollY === before; }"
        )
        page.wait_for_timeout(50)
        if at_end:
            seen.update(page.eval_on_selector_all(".opblock", "blocks => blocks.map(b => b.id)"))
            break
    return seen


def test_swagger_ui_renders_every_operation_offline_and_calls_the_api(offline_page, gateway, artifacts):
    page = offline_page
    document = httpx.get(gateway + "/openapi.json").json()
    operations = sum(1 for item in document["paths"].values() for method in item if method in METHODS)
    page.goto("/docs")
    expect(page).to_have_title("Terang gateway · API")
    health = page.locator('.opblock-get:has(.opblock-summary-path[data-path="/health"])')
    expect(health).to_be_visible()
    assert len(rendered_operations(page)) == operations
    page.evaluate("window.scrollTo(0, 0)")
    # the page calls the gateway itself (connect-src 'self')
    health.locator(".opblock-summary").click()
    health.get_by_role("button", name="Try it out").click()
    health.get_by_role("button", name="Execute").click()
    expect(health.locator(".live-responses-table tr.response .response-col_status")).to_have_text("200")
    page.screenshot(path=str(artifacts / "api-docs.png"))
    assert page.outside == [], page.outside
    assert page.problems == [], page.problems
