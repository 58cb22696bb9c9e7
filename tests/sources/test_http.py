import datetime as dt
import gzip
import random

import httpx
import pytest
from pytest_httpx import IteratorStream

from sources.errors import FeedError
from sources.http import USER_AGENT, FetchError, RetryPolicy, Validators, fetch

URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
BODY = b'{"gpt-4o": {"input_cost_per_token": 2.5e-06, "litellm_provider": "openai", "mode": "chat"}}'
NOW = dt.datetime(2025, 12, 1, 6, 0, tzinfo=dt.UTC)


class Sleeps(list):
    """Records requested sleeps instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _fetch(url=URL, **kwargs):
    sleeps = Sleeps()
    kwargs.setdefault("rng", random.Random(0))
    result = fetch(url, sleep=sleeps, clock=lambda: NOW, **kwargs)
    return result, sleeps


def test_200_returns_payload_validators_and_sends_the_user_agent(httpx_mock):
    httpx_mock.add_response(
        url=URL,
        content=BODY,
        headers={"ETag": 'W/"abc123"', "Last-Modified": "Sun, 30 Nov 2025 21:07:47 GMT"},
    )
    result, sleeps = _fetch()
    assert result.status == 200 and result.payload == BODY and not result.not_modified
    assert result.etag == 'W/"abc123"'
    assert result.last_modified == "Sun, 30 Nov 2025 21:07:47 GMT"
    assert result.fetched_at == NOW and result.fetched_at.tzinfo is not None
    assert result.attempts == 1 and sleeps == []
    request = httpx_mock.get_request()
    assert request.headers["User-Agent"] == USER_AGENT
    assert "If-None-Match" not in request.headers


def test_a_gzip_encoded_response_is_decoded_and_not_mistaken_for_truncation(httpx_mock):
    compressed = gzip.compress(BODY)
    httpx_mock.add_response(
        url=URL,
        # A stream, so the mock serves the bytes as sent on the wire (content= would be re-encoded).
        stream=IteratorStream([compressed]),
        headers={"Content-Encoding": "gzip", "Content-Length": str(len(compressed))},
    )
    result, _ = _fetch()
    assert result.payload == BODY


def test_304_sends_the_validators_and_returns_no_payload(httpx_mock):
    previous = Validators(etag='"v1"', last_modified="Sun, 30 Nov 2025 21:07:47 GMT")
    httpx_mock.add_response(
        url=URL,
        status_code=304,
        match_headers={"If-None-Match": '"v1"', "If-Modified-Since": "Sun, 30 Nov 2025 21:07:47 GMT"},
    )
    result, sleeps = _fetch(validators=previous)
    assert result.not_modified and result.status == 304 and result.payload is None
    # The server sent no validators back: the ones we hold stay current.
    assert result.validators == previous
    assert sleeps == []


def test_429_with_retry_after_seconds_waits_that_long_then_succeeds(httpx_mock):
    httpx_mock.add_response(url=URL, status_code=429, headers={"Retry-After": "7"})
    httpx_mock.add_response(url=URL, content=BODY)
    result, sleeps = _fetch()
    assert result.payload == BODY and result.attempts == 2
    assert sleeps == [7.0]


def test_retry_after_as_an_http_date_is_honoured_and_capped(httpx_mock):
    soon = "Mon, 01 Dec 2025 06:00:30 GMT"  # 30 s after NOW
    much_later = "Tue, 02 Dec 2025 06:00:00 GMT"  # a day after NOW: capped
    httpx_mock.add_response(url=URL, status_code=503, headers={"Retry-After": soon})
    httpx_mock.add_response(url=URL, status_code=429, headers={"Retry-After": much_later})
    httpx_mock.add_response(url=URL, content=BODY)
    result, sleeps = _fetch(policy=RetryPolicy(max_retry_after_s=120.0))
    assert result.attempts == 3
    assert sleeps == [30.0, 120.0]


def test_repeated_500_gives_up_with_fetch_error_naming_url_attempts_and_status(httpx_mock):
    for _ in range(3):
        httpx_mock.add_response(url=URL, status_code=500)
    with pytest.raises(FetchError) as caught:
        _fetch(max_attempts=3, policy=RetryPolicy(base_delay_s=1.0, max_delay_s=60.0, jitter_s=0.5))
    error = caught.value
    assert isinstance(error, FeedError)
    assert error.attempts == 3 and error.last_status == 500 and error.url == URL
    assert URL in str(error) and "3 attempt" in str(error) and "HTTP 500" in str(error)


def test_backoff_grows_exponentially_with_bounded_jitter_and_a_cap(httpx_mock):
    for _ in range(6):
        httpx_mock.add_response(url=URL, status_code=502)
    sleeps = Sleeps()
    with pytest.raises(FetchError):
        fetch(
            URL,
            max_attempts=6,
            sleep=sleeps,
            rng=random.Random(1),
            policy=RetryPolicy(base_delay_s=1.0, max_delay_s=10.0, jitter_s=0.5),
        )
    assert len(sleeps) == 5  # no sleep after the last attempt
    for attempt, slept in enumerate(sleeps[:4], start=1):
        assert 2 ** (attempt - 1) <= slept <= 2 ** (attempt - 1) + 0.5
    assert sleeps[4] == 10.0  # 16 s capped


def test_timeouts_are_retried_then_reported(httpx_mock):
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"), url=URL)
    httpx_mock.add_response(url=URL, content=BODY)
    result, sleeps = _fetch()
    assert result.payload == BODY and len(sleeps) == 1

    httpx_mock.add_exception(httpx.ConnectTimeout("connect timed out"), url=URL)
    httpx_mock.add_exception(httpx.ConnectError("connection refused"), url=URL)
    with pytest.raises(FetchError) as caught:
        _fetch(max_attempts=2)
    assert "ConnectError" in str(caught.value) and caught.value.last_status is None


def test_a_truncated_body_is_retried_and_named_when_it_persists(httpx_mock):
    for _ in range(2):
        httpx_mock.add_response(url=URL, content=BODY[:20], headers={"Content-Length": str(len(BODY))})
    with pytest.raises(FetchError) as caught:
        _fetch(max_attempts=2)
    assert "truncated" in str(caught.value) and f"Content-Length {len(BODY)}" in str(caught.value)


def test_a_client_error_is_not_retried(httpx_mock):
    httpx_mock.add_response(url=URL, status_code=404)
    with pytest.raises(FetchError) as caught:
        _fetch()
    assert caught.value.attempts == 1 and caught.value.last_status == 404


def test_an_unsupported_url_is_a_fetch_error_not_an_httpx_error():
    with pytest.raises(FetchError):
        _fetch("ftp://example.org/prices.json")


def test_an_injected_client_is_used_and_left_open(httpx_mock):
    httpx_mock.add_response(url=URL, content=BODY)
    with httpx.Client() as client:
        result, _ = _fetch(client=client)
        assert result.payload == BODY
        assert not client.is_closed
