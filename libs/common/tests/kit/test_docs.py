"""`/docs` works offline: the page references its own assets only, and they are served."""

from __future__ import annotations

import re

import httpx

from worksync.common.docs import ASSET_NAMES, DOCS_CSP

# Every URL the page loads or links: src/href attributes and CSS url(...) in the page.
REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']*)["']|url\(([^)]*)\)""")


def _references(html: str) -> list[str]:
    return [a or b for a, b in REFERENCE.findall(html)]


async def test_the_docs_page_references_no_external_url(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == DOCS_CSP
    references = _references(page.text)
    assert len(references) == 4, references
    for reference in references:
        assert reference.startswith("/docs/assets/"), reference
    assert "//" not in page.text.replace("<!doctype html>", "")
    assert "<script>" not in page.text


async def test_every_asset_the_page_references_answers(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    for reference in _references(page.text):
        asset = await client.get(reference)
        assert asset.status_code == 200, reference
        assert asset.content, reference
        assert "max-age" in asset.headers["cache-control"]
    bundle = await client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert b"SwaggerUIBundle" in bundle.content
    assert len(
        {reference.split("?")[0].rsplit("/", 1)[1] for reference in _references(page.text)}
    ) == len(ASSET_NAMES)


async def test_nothing_else_of_the_package_nor_any_path_is_served(
    client: httpx.AsyncClient,
) -> None:
    for name in ("index.html", "swagger-initializer.js", "..%2F__init__.py", "%2e%2e"):
        response = await client.get(f"/docs/assets/{name}")
        assert response.status_code == 404, name
        assert response.json()["code"].endswith("not_found"), name
