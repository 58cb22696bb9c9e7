"""Fetching a feed's payload over HTTP: retries, conditional GET, truncation checks.

`fetch(url)` returns a `FetchResult` (the bytes, the validators for the next conditional
request, when it was fetched). Transient failures are retried with capped exponential
backoff plus jitter: timeouts, connection and protocol errors, 429 and 5xx responses, and
a body shorter than its Content-Length. A `Retry-After` header (seconds or an HTTP date)
is honoured, capped at `RetryPolicy.max_retry_after_s` so a server cannot stall a
scheduled refresh for hours. Other 4xx responses are not retried: asking again will not
help. When retries are exhausted `FetchError` says which URL, how many attempts, and the
last status or exception.

Passing the previous result's `validators` makes the request conditional
(If-None-Match / If-Modified-Since): an unchanged payload comes back as 304 and
`FetchResult.not_modified` is set, with no payload.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from sources.errors import FeedError

USER_AGENT = "infercast/0.1 (+https://github.com/infercast)"

Sleep = Callable[[float], None]
Clock = Callable[[], dt.datetime]


class FetchError(FeedError):
    """A payload could not be fetched (after retrying where retrying could help)."""

    def __init__(self, message: str, *, url: str, attempts: int, last_status: int | None = None) -> None:
        self.url = url
        self.attempts = attempts
        self.last_status = last_status
        super().__init__(message, source=url)


@dataclass(frozen=True)
class Validators:
    """Cache validators of an earlier response, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    payload: bytes | None  # None when the server answered 304 Not Modified
    etag: str | None
    last_modified: str | None
    fetched_at: dt.datetime  # UTC, timezone-aware
    not_modified: bool
    attempts: int = 1

    @property
    def validators(self) -> Validators:
        return Validators(etag=self.etag, last_modified=self.last_modified)


@dataclass(frozen=True)
class RetryPolicy:
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0
    # Jitter spreads retries of several clients apart; a fraction of the base delay is enough.
    jitter_s: float = 1.0
    max_retry_after_s: float = 300.0


DEFAULT_POLICY = RetryPolicy()

# A cut-off compressed body surfaces as a DecodingError: worth another try like a cut-off plain one.
_RETRYABLE_TRANSPORT_ERRORS = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.DecodingError,
)


class _Retryable(Exception):
    """One attempt failed in a way another attempt may fix."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after_s: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after_s = retry_after_s


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fetch(
    url: str,
    *,
    validators: Validators | None = None,
    timeout_s: float = 30,
    max_attempts: int = 5,
    client: httpx.Client | None = None,
    sleep: Sleep = time.sleep,
    policy: RetryPolicy = DEFAULT_POLICY,
    rng: random.Random | None = None,
    clock: Clock = _utcnow,
) -> FetchResult:
    """GET `url`, retrying transient failures; raise `FetchError` when it cannot be fetched."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    jitter = rng or random.Random()
    headers = _request_headers(validators)
    owned = client is None
    http = client or httpx.Client(timeout=timeout_s, follow_redirects=True)
    try:
        for attempt in range(1, max_attempts + 1):
            try:
                return _attempt(http, url, headers, timeout_s, validators, attempt, clock)
            except _Retryable as failure:
                if attempt == max_attempts:
                    raise FetchError(
                        f"gave up after {attempt} attempt(s); last failure: {failure.reason}",
                        url=url,
                        attempts=attempt,
                        last_status=failure.status,
                    ) from None
                sleep(_delay_s(attempt, failure.retry_after_s, policy, jitter))
    finally:
        if owned:
            http.close()
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def _request_headers(validators: Validators | None) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT}
    if validators is not None:
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
    return headers


def _attempt(
    http: httpx.Client,
    url: str,
    headers: dict[str, str],
    timeout_s: float,
    validators: Validators | None,
    attempt: int,
    clock: Clock,
) -> FetchResult:
    try:
        response = http.get(url, headers=headers, timeout=timeout_s, follow_redirects=True)
    except _RETRYABLE_TRANSPORT_ERRORS as exc:
        raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        # Unsupported scheme, bad URL, too many redirects: retrying cannot help.
        raise FetchError(f"request failed: {type(exc).__name__}: {exc}", url=url, attempts=attempt) from exc
    fetched_at = clock()
    status = response.status_code
    if status == 429 or status >= 500:
        raise _Retryable(
            f"HTTP {status} {response.reason_phrase}".strip(),
            status=status,
            retry_after_s=_retry_after_s(response.headers.get("Retry-After"), fetched_at),
        )
    if status == 304:
        # A 304 may omit the validators; the ones we sent are still the current ones.
        return FetchResult(
            url=url,
            status=status,
            payload=None,
            etag=response.headers.get("ETag") or (validators.etag if validators else None),
            last_modified=response.headers.get("Last-Modified") or (validators.last_modified if validators else None),
            fetched_at=fetched_at,
            not_modified=True,
            attempts=attempt,
        )
    if not 200 <= status < 300:
        raise FetchError(
            f"HTTP {status} {response.reason_phrase}".strip() + " (not retried)",
            url=url,
            attempts=attempt,
            last_status=status,
        )
    _check_complete(response)
    return FetchResult(
        url=url,
        status=status,
        payload=response.content,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        fetched_at=fetched_at,
        not_modified=False,
        attempts=attempt,
    )


def _check_complete(response: httpx.Response) -> None:
    """A body shorter than its Content-Length was cut off in transit."""
    declared = response.headers.get("Content-Length")
    if declared is None:
        return
    try:
        expected = int(declared)
    except ValueError:
        return
    # Content-Length counts the bytes on the wire (compressed, if Content-Encoding is set).
    received = response.num_bytes_downloaded
    if received < expected:
        raise _Retryable(
            f"truncated body: Content-Length {expected} but {received} bytes received",
            status=response.status_code,
        )


def _retry_after_s(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _delay_s(attempt: int, retry_after_s: float | None, policy: RetryPolicy, rng: random.Random) -> float:
    if retry_after_s is not None:
        return min(retry_after_s, policy.max_retry_after_s)
    backoff = policy.base_delay_s * 2 ** (attempt - 1) + rng.uniform(0, policy.jitter_s)
    return min(backoff, policy.max_delay_s)
