"""The only URL fetcher WeasyPrint gets: it serves the report's own static files and nothing else.

Inline data: URLs are allowed (they reach nothing); no http(s), no file outside the static
folder (paths are resolved first, so '..' and symbolic links cannot climb out). A refused URL is
simply left out of the PDF.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = (Path(__file__).parent / "static").resolve()
BASE_URL = STATIC_DIR.as_uri() + "/"


class RefusedURL(ValueError):
    pass


class ShippedFilesFetcher(URLFetcher):
    def __init__(self, root: Path = STATIC_DIR):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.root = root.resolve()

    def resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"only files shipped with the reports may be used, not {url[:80]!r}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"not a file shipped with the reports: {url[:80]!r}")
        return path

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)  # inline bytes: nothing is reached
        path = self.resolve(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": mime}
        )
