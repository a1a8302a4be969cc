"""The URL converters every route uses. Ids in URLs are database keys: the tables' keys and
version numbers are INTEGER columns, 32-bit signed on PostgreSQL, so a larger number can
name nothing (and PostgreSQL refuses to compare one with them)."""

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` for ids and version numbers: the digits 0 to 9 only (``\\d`` would also
    take Arabic-Indic and other digits) and a value from 0 to 2^31 - 1, which a database key
    can hold. Anything else does not match the route, so the answer is a 404 rather than the
    database driver's overflow (a 500)."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=0, max=MAX_ID)


def init_app(app: Flask) -> None:
    """Replaces the built-in ``int`` converter: call before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter
