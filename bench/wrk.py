"""Fixed-concurrency load with wrk (Debian's package), whose own overhead is far below the app's.

Each run is bounded in time (`-d`) and each request is built by a small generated Lua script, so
check-in codes and paths can vary from one request to the next.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

LUA = """
local requests = {requests}
local counter = 0
request = function()
  counter = counter + 1
  local item = requests[(counter % #requests) + 1]
  return wrk.format(item.method, item.path, item.headers, item.body)
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for our ASCII data


def _lua_request(item: dict[str, Any]) -> str:
    headers = dict(item.get("headers") or {})
    body = ""
    if "json" in item:
        body = json.dumps(item["json"])
        headers["Content-Type"] = "application/json"
    header_table = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
    return (
        f"{{method = {_lua_string(item.get('method', 'GET'))}, path = {_lua_string(item['path'])}, "
        f"headers = {{{header_table}}}, body = {_lua_string(body) if body else 'nil'}}}"
    )


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(
    base_url: str,
    requests: list[dict[str, Any]],
    *,
    connections: int,
    seconds: int,
    cookie: str = "",
) -> dict[str, Any]:
    """req/s, p50 and p99 (ms) and error counts of a wrk run over `requests`."""
    if cookie:
        requests = [
            dict(r, headers={**(r.get("headers") or {}), "Cookie": cookie}) for r in requests
        ]
    script = LUA.replace("{requests}", "{" + ",\n".join(map(_lua_request, requests)) + "}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--latency",
                "-s",
                handle.name,
                base_url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        Path(handle.name).unlink()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50_ms": round(_milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)), 2),  # type: ignore[union-attr]
        "p99_ms": round(_milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)), 2),  # type: ignore[union-attr]
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }
