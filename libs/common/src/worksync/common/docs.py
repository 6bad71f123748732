"""The API docs page (`/docs`): Swagger UI served from the installed package, not a CDN.

A page that loads its scripts from a CDN is blank offline and runs whatever the CDN serves
(it had no integrity check). Here the page references only its own assets, taken from the
`swagger-ui-bundle-v2` package (the version pinned in `uv.lock`) and served under
`/docs/assets/`; its one script of our own is an asset too, so the page needs no inline
script and `DOCS_CSP` allows scripts from the page's own origin alone.

`install_docs` adds both to a FastAPI app (every service, through `create_service_app`);
the gateway, which is no FastAPI app, serves `docs_page`, `docs_asset` and `DOCS_CSP`
itself.
"""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path

from fastapi import FastAPI, Response

# The package declares itself typed but ships no py.typed marker.
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

from worksync.common.errors import not_found

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"
_INITIALISER = "worksync-docs.js"
# Reads the document's URL from the page, so that one script serves every page.
_INITIALISER_SCRIPT = b"""window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
"""
# The package's files the page uses, with their media types; nothing else is served.
_PACKAGED: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
ASSET_NAMES = frozenset({*_PACKAGED, _INITIALISER})
# Swagger UI sets inline styles and shows data: images; scripts come from the origin only.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# The assets change only with the package, and then their version in the page's URLs does.
ASSET_CACHE_CONTROL = "public, max-age=86400"
_BUNDLE = Path(str(swagger_ui_path))


def _version() -> str:
    return _BUNDLE.name.removeprefix("swagger-ui-")


def docs_page(title: str, openapi_url: str = "/openapi.json") -> bytes:
    """The HTML of the docs page, which references only `/docs/assets/...`."""
    version = escape(_version())

    def asset(name: str) -> str:
        return f"{ASSETS_PATH}/{name}?v={version}"

    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{asset("swagger-ui.css")}">
<link rel="icon" type="image/png" href="{asset("favicon-32x32.png")}">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>
<script src="{asset("swagger-ui-bundle.js")}"></script>
<script src="{asset(_INITIALISER)}"></script>
</body>
</html>
""".encode()


@cache
def docs_asset(name: str) -> tuple[bytes, str] | None:
    """The body and media type of the asset `name` (see `ASSET_NAMES`); None for any other
    name, so nothing else of the package (nor any path) can be asked for."""
    if name == _INITIALISER:
        return _INITIALISER_SCRIPT, "text/javascript; charset=utf-8"
    media_type = _PACKAGED.get(name)
    if media_type is None:
        return None
    return (_BUNDLE / name).read_bytes(), media_type


def install_docs(app: FastAPI, title: str, openapi_url: str = "/openapi.json") -> None:
    """Serve the docs page at `/docs` and its assets below it, outside the API schema."""
    page = docs_page(title, openapi_url)

    @app.get(DOCS_PATH, include_in_schema=False)
    async def docs() -> Response:
        return Response(page, media_type="text/html", headers={"Content-Security-Policy": DOCS_CSP})

    @app.get(f"{ASSETS_PATH}/{{name}}", include_in_schema=False)
    async def docs_assets(name: str) -> Response:
        found = docs_asset(name)
        if found is None:
            raise not_found("asset")
        body, media_type = found
        return Response(body, media_type=media_type, headers={"Cache-Control": ASSET_CACHE_CONTROL})
