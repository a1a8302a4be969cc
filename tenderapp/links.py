"""Full addresses of the app's pages built without a request (a command or the demo loader
has no request to take the host from): under PUBLIC_BASE_URL."""

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask


def public_links(app: Flask) -> Callable[..., str]:
    """``link_for(endpoint, **values)``: the page's full address under the app's PUBLIC_BASE_URL."""
    base = urlsplit(app.config["PUBLIC_BASE_URL"])
    adapter = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return lambda endpoint, **values: adapter.build(endpoint, values, force_external=True)
