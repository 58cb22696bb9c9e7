import datetime as dt

import duckdb
import polars as pl
import pytest

from sources import epoch_prices
from sources.snapshot import read_canonical
from warehouse.load import BatchRejected, load_batch
from warehouse.migrate import apply_migrations

FETCHED = dt.datetime(2025, 3, 1, 12, 0, 0)


@pytest.fixture
def con():
    connection = duckdb.connect()
    apply_migrations(connection)
    return connection


def _counts(con):
    return {
        table: con.execute(f"select count(*) from {table}").fetchall()[0][0]
        for table in (
            "staging.token_prices",
            "staging.model_capabilities",
            "meta.ingest_batches",
            "meta.quarantine",
        )
    }


def _bench_payload(rows: list[str]) -> bytes:
    return ("Model Name,Release Date,USD per 1M Tokens,MMLU\n" + "\n".join(rows) + "\n").encode()


def _load(con, tmp_path, payload, **kwargs):
    return load_batch(
        con,
        archive_dir=tmp_path / "archive",
        feed_id="epoch_prices",
        source="test.csv",
        payload=payload,
        frames=epoch_prices.parse(payload, "test.csv"),
        fetched_at=kwargs.pop("fetched_at", FETCHED),
        **kwargs,
    )


def test_load_records_batch_and_rows(con, tmp_path):
    payload = _bench_payload(["A,2024-01-01,1.5,70", "B,2024-02-01,0.5,60"])
    result = _load(con, tmp_path, payload)
    assert result.status == "loaded"
    assert result.rows_in == 4 and result.rows_loaded == 4  # 2 prices + 2 MMLU scores
    batch = con.execute("select feed, sha256, rows_in, rows_loaded, status from meta.ingest_batches").fetchall()
    assert batch == [("epoch_prices", result.sha256, 4, 4, "loaded")]
    assert (tmp_path / "archive" / "epoch_prices" / result.sha256[:2] / f"{result.sha256}.gz").exists()


def test_loading_the_same_payload_twice_adds_nothing(con, tmp_path):
    payload = _bench_payload(["A,2024-01-01,1.5,70"])
    _load(con, tmp_path, payload)
    before = _counts(con)
    again = _load(con, tmp_path, payload, fetched_at=FETCHED + dt.timedelta(days=1))
    assert again.status == "unchanged"
    assert _counts(con) == before


def test_overlapping_payload_adds_only_new_observations(con, tmp_path):
    _load(con, tmp_path, _bench_payload(["A,2024-01-01,1.5,70"]))
    result = _load(con, tmp_path, _bench_payload(["A,2024-01-01,1.5,70", "A,2024-06-01,1.0,70"]))
    assert result.rows_loaded == 2  # one new price, one new score; the old ones are kept as they were
    assert con.execute("select count(*) from staging.token_prices").fetchall() == [(2,)]


def test_bad_rows_are_quarantined_and_good_rows_load(con, tmp_path):
    rows = [f"M{i},2024-01-{i + 1:02d},1.0,50" for i in range(25)] + ["Bad,2024-01-01,5000,50"]
    result = _load(con, tmp_path, _bench_payload(rows))
    assert result.rows_quarantined == 1
    # 25 prices + 26 scores: the bad price row is held back, its valid MMLU score is not
    assert result.tables == {"token_prices": 25, "model_capabilities": 26}
    quarantined = con.execute(
        "select staging_table, source_row, column_name, offending_value, raw_row->>'model' from meta.quarantine"
    ).fetchall()
    assert quarantined == [("token_prices", 27, "blended_usd_per_mtok", "5000.0", "Bad")]


def test_a_release_dated_after_the_fetch_is_quarantined(con, tmp_path):
    rows = [f"M{i},2024-01-{i + 1:02d},1.0,50" for i in range(25)] + ["Future,2026-01-01,1.0,50"]
    _load(con, tmp_path, _bench_payload(rows))
    checks = {r[0] for r in con.execute("select check_name from meta.quarantine").fetchall()}
    assert checks == {"not_after_fetch_date(2025-03-01)"}


def test_batch_over_the_threshold_is_rejected_whole(con, tmp_path):
    _load(con, tmp_path, _bench_payload(["Good,2024-01-01,1.0,50"]))
    before = _counts(con)
    rows = ["X,2024-01-01,1.0,50", "Y,2024-01-01,-3,50", "Z,2024-01-01,2000,50"]
    with pytest.raises(BatchRejected) as caught:
        _load(con, tmp_path, _bench_payload(rows))
    assert "epoch_prices" in str(caught.value) and "test.csv" in str(caught.value)
    assert "greater_than_or_equal_to(0.0) on blended_usd_per_mtok: 1" in str(caught.value)
    after = _counts(con)
    assert after["staging.token_prices"] == before["staging.token_prices"]
    assert after["staging.model_capabilities"] == before["staging.model_capabilities"]
    status = con.execute("select status from meta.ingest_batches order by finished_at desc limit 1").fetchall()
    assert status == [("failed",)]


def test_a_failure_mid_load_leaves_staging_exactly_as_before(con, tmp_path, monkeypatch):
    _load(con, tmp_path, _bench_payload(["Good,2024-01-01,1.0,50"]))
    before = _counts(con)

    import warehouse.load as load_module

    original = load_module._insert_new_rows
    calls = {"n": 0}

    def fail_on_second_table(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full (injected)")
        return original(*args, **kwargs)

    monkeypatch.setattr(load_module, "_insert_new_rows", fail_on_second_table)
    with pytest.raises(RuntimeError, match="injected"):
        _load(con, tmp_path, _bench_payload(["New,2024-05-01,2.0,60"]))
    assert _counts(con) == before


def test_snapshot_frames_validate_cleanly():
    from sources.registry import FEEDS
    from sources.snapshot import snapshot_files

    for table, path in snapshot_files(FEEDS["epoch_prices"]):
        frame = read_canonical(path.read_bytes(), table, str(path))
        assert frame.height > 0
        assert frame.filter(pl.col("provenance").str.len_chars() == 0).height == 0


def test_insert_counts_only_new_rows_per_value(con):
    from warehouse.db import insert_frame, insert_frame_counting

    con.execute("create table t (k varchar primary key, batch varchar)")
    assert insert_frame(con, "t", pl.DataFrame({"k": ["a", "b"], "batch": ["x", "x"]}), ignore_existing=True) == 2
    incoming = pl.DataFrame({"k": ["a", "c", "d", "e"], "batch": ["y", "y", "z", "z"]})
    assert insert_frame_counting(con, "t", incoming, "batch", ignore_existing=True) == {"y": 1, "z": 2}
    assert insert_frame(con, "t", incoming.clear()) == 0
