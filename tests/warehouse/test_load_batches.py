"""Several payloads loaded together (load_batches, ingest_files) leave the warehouse exactly as
loading them one after another does: the same batches and their counts, statuses and messages,
the same quarantine records and the same staging rows, including which batch loaded a key.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import warehouse.ingest as ingest_module
import warehouse.load as load_module
from sources import epoch_prices
from sources.registry import FEEDS
from warehouse import archive
from warehouse.ingest import FilesFailed, ingest_file, ingest_files
from warehouse.load import BatchRejected, Payload, load_batch, load_batches
from warehouse.migrate import apply_migrations
from warehouse.settings import Settings

FETCHED = dt.datetime(2025, 3, 1, 12, 0, 0)
TABLES = ("staging.token_prices", "staging.model_capabilities", "meta.ingest_batches", "meta.quarantine")
HEADER = "Model Name,Release Date,USD per 1M Tokens,MMLU"
# Good rows sharing models and dates (so later payloads repeat earlier keys), and bad ones.
ROWS = [
    "A,2024-01-01,1.5,70",
    "A,2024-01-01,1.5,70",
    "A,2024-02-01,1.0,71",
    "B,2024-01-01,0.5,60",
    "B,2024-01-01,0.7,60",  # same key as the row above, another price
    "C,2024-03-01,2.0,",
    "D,2024-04-01,3.0,55",
    "E,2024-05-01,-1,50",  # negative price
    "F,2024-05-01,5000,50",  # implausible price
    "G,2024-05-01,1.0,150",  # score above 100
    "H,2026-01-01,1.0,50",  # after the fetch date
]


def _payload(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    apply_migrations(con)
    return con


def _state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    state = {}
    for table in TABLES:
        columns = [
            c
            for (c,) in con.execute(
                "select column_name from duckdb_columns() where schema_name || '.' || table_name = ? "
                "and column_name <> 'finished_at' order by column_index",
                [table],
            ).fetchall()
        ]
        listed = ", ".join(f'"{c}"::varchar' for c in columns)
        state[table] = sorted(
            con.execute(f"select {listed} from {table}").fetchall(), key=lambda r: tuple(str(v) for v in r)
        )
    return state


def _outcome(result: Any) -> tuple[Any, ...]:
    return (result.batch_id, result.status, result.message, result.rows_in, result.rows_loaded)


def _full(result: Any) -> tuple[Any, ...]:
    return (*_outcome(result), result.rows_quarantined, result.rows_duplicate, result.tables)


def _one_by_one(con: duckdb.DuckDBPyConnection, tmp: Path, payloads: list[bytes], seconds: list[int]) -> list[Any]:
    outcomes = []
    for payload, second in zip(payloads, seconds, strict=True):
        try:
            result = load_batch(
                con,
                archive_dir=tmp,
                feed_id="epoch_prices",
                source="p.csv",
                payload=payload,
                frames=epoch_prices.parse(payload, "p.csv"),
                fetched_at=FETCHED + dt.timedelta(seconds=second),
            )
            outcomes.append(_full(result))
        except BatchRejected as rejected:
            outcomes.append(("rejected", str(rejected)))
    return outcomes


def _together(con: duckdb.DuckDBPyConnection, tmp: Path, payloads: list[bytes], seconds: list[int]) -> list[Any]:
    incoming = []
    for payload, second in zip(payloads, seconds, strict=True):
        digest, stored = archive.store(tmp, "epoch_prices", payload)
        incoming.append(
            Payload(
                source="p.csv",
                sha256=digest,
                archive_path=stored,
                fetched_at=FETCHED + dt.timedelta(seconds=second),
                frames=epoch_prices.parse(payload, "p.csv"),
            )
        )
    con.execute("begin transaction")
    results = load_batches(con, feed_id="epoch_prices", payloads=incoming)
    con.execute("commit")
    return [("rejected", str(r.error)) if isinstance(r.error, BatchRejected) else _full(r) for r in results]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    payloads=st.lists(st.lists(st.sampled_from(ROWS), min_size=1, max_size=6), min_size=1, max_size=6),
    same_second=st.booleans(),
    preloaded=st.integers(0, 2),
)
def test_payloads_loaded_together_end_as_loaded_one_by_one(tmp_path, payloads, same_second, preloaded):
    encoded = [_payload(rows) for rows in payloads]
    seconds = [0 if same_second else i for i in range(len(encoded))]
    earlier = encoded[:preloaded]  # already in the warehouse before: those payloads are unchanged
    one, together = _warehouse(), _warehouse()
    for con in (one, together):
        _one_by_one(con, tmp_path, earlier, [100 + i for i in range(len(earlier))])
    assert _together(together, tmp_path, encoded, seconds) == _one_by_one(one, tmp_path, encoded, seconds)
    assert _state(together) == _state(one)


def test_a_failure_while_writing_leaves_everything_as_before(tmp_path, monkeypatch):
    con = _warehouse()
    _one_by_one(con, tmp_path, [_payload(ROWS[:2])], [0])
    before = _state(con)
    original = load_module._insert_new_rows
    calls = {"n": 0}

    def fail_on_second_table(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full (injected)")
        return original(*args, **kwargs)

    monkeypatch.setattr(load_module, "_insert_new_rows", fail_on_second_table)
    with pytest.raises(RuntimeError, match="injected"):
        _together(con, tmp_path, [_payload([row]) for row in ROWS[2:5]], [1, 2, 3])
    con.execute("rollback")  # as ingest_files does around load_batches
    assert _state(con) == before


# --- files ------------------------------------------------------------------------------------


@pytest.fixture
def frozen_clock(monkeypatch):
    # Batch ids carry the fetch time to the second: one clock for both ways of loading.
    monkeypatch.setattr(ingest_module, "_now", lambda: FETCHED)


def _files(tmp_path: Path) -> list[Path]:
    contents = {
        "a_2024-01-01.csv": _payload(ROWS[:3]),
        "b_2024-02-01.csv": _payload([ROWS[2], ROWS[3], ROWS[6]]),
        "c_2024-03-01.csv": _payload(ROWS[:3]),  # the bytes of a, another date: a batch adding no rows
        "d_2024-04-01.csv": _payload(ROWS[7:10]),  # mostly bad: rejected
        "e_2024-05-01.csv": b"not,a,price,table\n1,2,3,4\n",  # unparseable
        "f_2024-06-01.csv": _payload(ROWS[5:7]),
    }
    folder = tmp_path / "files"
    folder.mkdir()
    for name, payload in contents.items():
        (folder / name).write_bytes(payload)
    return sorted(folder.iterdir())


def _home(tmp_path: Path, name: str) -> tuple[Settings, duckdb.DuckDBPyConnection]:
    settings = Settings.from_env(tmp_path / name)
    settings.ensure()
    con = duckdb.connect(str(settings.work_db))
    apply_migrations(con)
    return settings, con


def test_files_loaded_together_end_as_loaded_one_by_one(tmp_path, frozen_clock):
    paths = _files(tmp_path)
    feed = FEEDS["epoch_prices"]
    one_settings, one = _home(tmp_path, "one")
    errors_one = []
    for path in paths:
        try:
            ingest_file(one, one_settings, feed, path)
        except Exception as error:
            errors_one.append(str(error))
    together_settings, together = _home(tmp_path, "together")
    with pytest.raises(FilesFailed) as failed:
        ingest_files(together, together_settings, feed, paths)
    assert [str(e) for e in failed.value.errors] == errors_one
    assert len(errors_one) == 2 and "d_2024-04-01.csv" in errors_one[0] and "e_2024-05-01.csv" in errors_one[1]
    assert "2 of 6 files failed" in str(failed.value)
    assert [r.status for r in failed.value.results] == ["loaded", "loaded", "loaded", "failed", "failed", "loaded"]
    assert failed.value.results[2].rows_loaded == 0  # the prices carry their own dates

    def without_archive_dir(state: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
        return {t: [tuple(str(v).replace(str(tmp_path), "") for v in row) for row in rows] for t, rows in state.items()}

    one_state = without_archive_dir(_state(one))
    assert without_archive_dir(_state(together)) == {
        t: [tuple(v.replace("/one/", "/together/") for v in row) for row in rows] for t, rows in one_state.items()
    }


def test_groups_of_files_give_the_same_result_as_one_group(tmp_path, frozen_clock, monkeypatch):
    paths = [p for p in _files(tmp_path) if p.name[0] in "abcf"]
    feed = FEEDS["epoch_prices"]
    whole_settings, whole = _home(tmp_path, "whole")
    whole_results = ingest_files(whole, whole_settings, feed, paths)
    monkeypatch.setattr(ingest_module, "GROUP_BYTES", 1)  # every file its own group
    parts_settings, parts = _home(tmp_path, "parts")
    parts_results = ingest_files(parts, parts_settings, feed, paths)
    assert [_outcome(r) for r in parts_results] == [_outcome(r) for r in whole_results]
    assert _state(parts)["staging.token_prices"] == _state(whole)["staging.token_prices"]


def test_a_failure_in_a_later_group_rolls_back_the_whole_call(tmp_path, frozen_clock, monkeypatch):
    paths = [p for p in _files(tmp_path) if p.name[0] in "abf"]
    feed = FEEDS["epoch_prices"]
    settings, con = _home(tmp_path, "home")
    before = _state(con)
    monkeypatch.setattr(ingest_module, "GROUP_BYTES", 1)
    original = load_module._insert_new_rows
    calls = {"n": 0}

    def fail_in_third_group(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:  # two tables per group: the first table of the third group
            raise RuntimeError("disk full (injected)")
        return original(*args, **kwargs)

    monkeypatch.setattr(load_module, "_insert_new_rows", fail_in_third_group)
    with pytest.raises(RuntimeError, match="injected"):
        ingest_files(con, settings, feed, paths)
    assert _state(con) == before


def test_an_unreadable_file_fails_alone_and_a_single_file_raises_its_own_error(tmp_path, frozen_clock):
    paths = [p for p in _files(tmp_path) if p.name[0] in "ad"]
    feed = FEEDS["epoch_prices"]
    settings, con = _home(tmp_path, "home")
    missing = tmp_path / "files" / "gone.csv"
    with pytest.raises(FilesFailed) as failed:
        ingest_files(con, settings, feed, [paths[0], missing])
    assert "cannot read the file" in str(failed.value) and str(missing) in str(failed.value)
    assert [r.status for r in failed.value.results] == ["loaded"]
    with pytest.raises(BatchRejected) as rejected:
        ingest_file(con, settings, feed, paths[1])
    assert str(paths[1]) in str(rejected.value) and "batch rejected" in str(rejected.value)


def test_one_payload_twice_in_one_call_is_archived_once_and_loaded_once(tmp_path, frozen_clock):
    paths = _files(tmp_path)
    feed = FEEDS["epoch_prices"]
    settings, con = _home(tmp_path, "home")
    results = ingest_files(con, settings, feed, [paths[0], paths[0], paths[0]])
    assert [r.status for r in results] == ["loaded", "unchanged", "unchanged"]
    assert results[1].batch_id == results[0].batch_id
    assert len(list(settings.archive_dir.rglob("*.gz"))) == 1
    assert not list(settings.archive_dir.rglob("*.tmp*"))


LITELLM_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "litellm" / "model_prices_and_context_window.json"


def test_identical_bytes_under_a_new_dated_name_record_that_dates_observation(tmp_path):
    feed = FEEDS["litellm"]
    settings, con = _home(tmp_path, "home")
    folder = tmp_path / "downloads"
    folder.mkdir()
    february, april = folder / "litellm_asof_2025-02-06.json", folder / "litellm_asof_2025-04-01.json"
    for path in (february, april):
        path.write_bytes(LITELLM_FIXTURE.read_bytes())
    first = ingest_file(con, settings, feed, february)
    second = ingest_file(con, settings, feed, april)
    assert first.status == second.status == "loaded" and second.batch_id != first.batch_id
    assert second.sha256 == first.sha256
    by_day = dict(
        con.execute(
            "select observed_on::varchar, count(*) from staging.token_prices where source = 'litellm' group by 1"
        ).fetchall()
    )
    assert set(by_day) == {"2025-02-06", "2025-04-01"} and by_day["2025-04-01"] == by_day["2025-02-06"] > 0
    assert second.tables["token_prices"] == by_day["2025-04-01"]
    batch_of_april = con.execute(
        "select distinct batch_id from staging.token_prices where observed_on = '2025-04-01'"
    ).fetchall()
    assert batch_of_april == [(second.batch_id,)]
    # The archive is content-addressed: one copy of the bytes for both batches.
    assert len(list((settings.archive_dir / "litellm").rglob("*.gz"))) == 1
    # The same bytes under a date already loaded are unchanged.
    again = ingest_file(con, settings, feed, april)
    assert again.status == "unchanged" and again.batch_id == second.batch_id
