"""Downloads: the one place a Content-Disposition header is written.

The name a browser saves a file under comes from people (a tender reference, an uploaded
file's name), so it is reduced to plain characters before it reaches the header: a quote or
a semicolon cannot end the name and start another parameter, and no hidden mark reverses
how it reads. Headers are Latin-1, so a name with other letters (a Welsh ŵ, a Polish ł) goes
as an ASCII name and, beside it, the name itself in UTF-8 (RFC 6266, RFC 8187), as
werkzeug's send_file writes it.
"""

import unicodedata
from urllib.parse import quote

from flask import Response
from werkzeug.http import quote_header_value

from tenderapp.domain.documents import plain_characters

# RFC 8187 attr-char beyond letters and digits: what may stand unencoded in filename*
_ATTR_CHARS = "!#$&+-.^_`|~"


def _ascii(name: str) -> str:
    """The name in ASCII: accents dropped (é is e), any other letter an underscore."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c if c.isascii() else "" if unicodedata.combining(c) else "_" for c in decomposed)


def disposition(kind: str, filename: str) -> str:
    """The Content-Disposition value for ``filename``: ``kind`` ("attachment" or "inline") and
    a quoted ASCII ``filename``, plus ``filename*`` in UTF-8 when the name is not plain ASCII.
    Quotes, backslashes, semicolons, slashes, control characters and hidden marks become
    underscores first; an empty name is "download"."""
    if kind not in ("attachment", "inline"):
        raise ValueError(f"not a disposition: {kind}")
    name = plain_characters(filename or "").strip(" .") or "download"
    fallback = _ascii(name)
    value = f"{kind}; filename={quote_header_value(fallback, allow_token=False)}"
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"
    return value


def download(content: bytes | str, mimetype: str, filename: str, inline: bool = False) -> Response:
    """A response that a browser saves as ``filename`` (or shows, when ``inline``)."""
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": disposition("inline" if inline else "attachment", filename)})
