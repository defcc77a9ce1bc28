"""The shared queue's request codec (scrapy-redis's SCHEDULER_SERIALIZER): JSON, never pickle.

Anyone who can write to the run's Redis can put entries in the queue; with pickle, such an
entry runs code on every worker that pops it. JSON only makes data, and `loads` refuses any
request that does not look like one of ours (a plain Request to a spider callback by name).
"""

from __future__ import annotations

import base64
import json
from typing import Any

BYTES_TAG = "__bytes__"  # a JSON object {"__bytes__": base64} stands for a bytes value
CALLBACKS = frozenset({None, "parse", "parse_feed", "parse_robots", "parse_sitemap"})
ERRBACKS = frozenset({None, "failed"})
# The fields of Request.to_dict() a queued request may carry, with their JSON types.
FIELDS: dict[str, tuple[type, ...]] = {
    "url": (str,), "callback": (str, type(None)), "errback": (str, type(None)),
    "headers": (dict,), "method": (str,), "body": (bytes,), "cookies": (dict, list),
    "meta": (dict,), "encoding": (str,), "priority": (int,), "dont_filter": (bool,),
    "flags": (list,), "cb_kwargs": (dict,),
}
REQUIRED = ("url", "method")


class RequestCodecError(ValueError):
    """A queue entry that is not a request of ours."""


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {BYTES_TAG: base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {str(key.decode("latin-1") if isinstance(key, bytes) else key): _plain(item)
                for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a queued request cannot carry a {type(value).__name__}")


def _restore(value: dict[str, Any]) -> Any:
    if set(value) == {BYTES_TAG}:
        return base64.b64decode(value[BYTES_TAG], validate=True)
    return value


def dumps(request: dict[str, Any]) -> bytes:
    """A request's dict (Request.to_dict) as JSON bytes; TypeError for a value JSON cannot hold."""
    if request.get("_class"):
        raise TypeError(f"only plain Requests are queued, not {request['_class']}")
    return json.dumps(_plain(request), separators=(",", ":")).encode()


def loads(data: bytes | str) -> dict[str, Any]:
    """The request dict a queue entry holds; RequestCodecError for anything but our JSON."""
    try:
        request = json.loads(data, object_hook=_restore)
    except (ValueError, UnicodeDecodeError) as error:
        raise RequestCodecError(f"not a JSON request: {error}") from None
    if not isinstance(request, dict):
        raise RequestCodecError("not a JSON request object")
    unknown = set(request) - set(FIELDS)
    if unknown:
        raise RequestCodecError(f"unknown request fields {sorted(unknown)}")
    missing = [name for name in REQUIRED if name not in request]
    if missing:
        raise RequestCodecError(f"request without {missing[0]}")
    for name, value in request.items():
        if not isinstance(value, FIELDS[name]) or (name == "priority" and value is True):
            raise RequestCodecError(f"request field {name} is a {type(value).__name__}")
    if request.get("callback") not in CALLBACKS or request.get("errback") not in ERRBACKS:
        raise RequestCodecError(
            f"request to an unknown callback {request.get('callback')!r}/"
            f"{request.get('errback')!r}")
    return request
