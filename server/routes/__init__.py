"""The delivery layer, one package per audience, each with its route table.

The `id` path convertor is registered here, before any of those tables is built: a table is a
module-level list, and Starlette compiles a route's path when the route is made."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class IdConvertor(Convertor[int]):
    """Database ids in paths: at most nine digits, so a huge number is a 404, not an overflow."""

    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())
