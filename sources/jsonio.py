"""Decoding JSON payloads of the live feeds (LiteLLM, OpenRouter) into Python values.

Choices, so a hand-saved download loads as well as a live one:

* a gzip-compressed payload (a saved `.json.gz`, or an archived payload) is decompressed;
* UTF-8 with or without a BOM, and UTF-16/UTF-32 with a BOM, are accepted (the JSON
  standard asks for UTF-8, but some editors save JSON as UTF-16 on Windows);
* anything else unusable — empty, not JSON, cut off mid-document, corrupt gzip, a key repeated
  in one object (json.loads would silently keep the last copy) — is a `StructuralError` that
  says which, with the line and column for JSON syntax errors.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from typing import Any

from sources.errors import StructuralError

GZIP_MAGIC = b"\x1f\x8b"
# Far above any real price list (LiteLLM's file is ~1 MB); stops a decompression bomb.
MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024


def decode_json(payload: bytes, *, feed: str, source: str) -> Any:
    """The JSON value of a payload, or a `StructuralError` saying why there is none."""
    if payload[:2] == GZIP_MAGIC:
        payload = _gunzip(payload, feed=feed, source=source)
    if not payload or not payload.strip():
        raise StructuralError("the payload is empty", feed=feed, source=source)
    try:
        return json.loads(payload, object_pairs_hook=_object_without_repeated_keys)
    except RepeatedKey as exc:
        raise StructuralError(
            f"the JSON repeats the key {exc.key!r} in one object; a reader would silently keep only the "
            "last copy, so the file is refused: remove the duplicate",
            feed=feed,
            source=source,
        ) from None
    except json.JSONDecodeError as exc:
        hint = " (the document ends early: truncated download?)" if _looks_cut_off(exc.doc) else ""
        raise StructuralError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}{hint}",
            feed=feed,
            source=source,
        ) from None
    except UnicodeDecodeError as exc:
        raise StructuralError(
            f"the payload is not UTF-8 (or BOM-marked UTF-16/32) text: byte {exc.start}",
            feed=feed,
            source=source,
        ) from None
    except RecursionError:
        raise StructuralError("the JSON is nested too deeply to read", feed=feed, source=source) from None


class RepeatedKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object_without_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict; raises RepeatedKey when a key occurs twice (json.loads would keep the last)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise RepeatedKey(key)
            seen.add(key)
    return obj


def _looks_cut_off(text: str) -> bool:
    """An object or array whose text does not end with its closing bracket was cut off."""
    body = text.strip().lstrip("\ufeff")
    closers = {"{": "}", "[": "]"}
    return bool(body) and body[0] in closers and not body.endswith(closers[body[0]])


def _gunzip(payload: bytes, *, feed: str, source: str) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(payload)) as stream:
            data = stream.read(MAX_DECOMPRESSED_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise StructuralError(
            f"the payload is gzip-compressed but corrupt or truncated ({exc})", feed=feed, source=source
        ) from None
    if len(data) > MAX_DECOMPRESSED_BYTES:
        raise StructuralError(
            f"the gzip payload expands beyond {MAX_DECOMPRESSED_BYTES} bytes", feed=feed, source=source
        )
    return data


def is_storable_text(value: str) -> bool:
    """False for strings with lone surrogates ("\\ud800"), which json.loads lets through but
    which cannot be stored as UTF-8 (polars, DuckDB and CSV would all fail on them)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
