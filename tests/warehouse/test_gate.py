"""The quarantine gate judges each frame of a batch on its own, with a share and a minimum count."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from sources import litellm, nvidia_revenue
from sources.errors import FeedError
from sources.registry import FEEDS
from warehouse.gate import FrameGate, configured_gates, parse_gates
from warehouse.load import BatchRejected, load_batch
from warehouse.migrate import apply_migrations

FETCHED = dt.datetime(2026, 1, 15, 12, 0, 0)
REVENUE_SNAPSHOT = FEEDS["nvidia_revenue"].snapshot_dir / "vendor_revenue.csv"


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    apply_migrations(connection)
    return connection


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"select count(*) from {table}").fetchall()[0][0])


def _load(con, tmp_path: Path, feed_id: str, payload: bytes, frames: dict[str, pl.DataFrame], **kwargs):
    return load_batch(
        con,
        archive_dir=tmp_path / "archive",
        feed_id=feed_id,
        source="gate-test",
        payload=payload,
        frames=frames,
        fetched_at=FETCHED,
        **kwargs,
    )


def _litellm_payload(n_models: int, n_bad: int) -> bytes:
    """n chat models priced $1..$n per 1M input tokens; the first n_bad with input prices x 1e6."""
    entries = {
        f"gate-lm-{i:03d}": {
            "input_cost_per_token": (i + 1) * 1e-06 * (1e6 if i < n_bad else 1),
            "output_cost_per_token": (i + 1) * 4e-06,
            "litellm_provider": "gate_ai",
            "mode": "chat",
        }
        for i in range(n_models)
    }
    return json.dumps(entries).encode()


def test_eleven_percent_bad_litellm_prices_reject_the_batch_though_models_and_aliases_are_clean(con, tmp_path):
    payload = _litellm_payload(100, 11)
    frames = litellm.parse(payload, "gate.json", FETCHED.date())
    # Pooled over prices, models and aliases the 11 bad rows were under 5% and the batch loaded.
    assert 11 / sum(frame.height for frame in frames.values()) < 0.05
    with pytest.raises(BatchRejected) as rejected:
        _load(con, tmp_path, "litellm", payload, frames)
    assert "11.0% of token_prices rows (11 of 100; threshold 5% and at least 2 rows)" in str(rejected.value)
    assert "less_than_or_equal_to(1000.0) on input_usd_per_mtok: 11" in str(rejected.value)
    assert _count(con, "staging.token_prices") == _count(con, "staging.models") == 0
    status = con.execute("select status, rows_quarantined from meta.ingest_batches").fetchall()
    assert status == [("failed", 11)]


def test_four_percent_bad_litellm_prices_are_quarantined_and_the_rest_loads(con, tmp_path):
    payload = _litellm_payload(100, 4)
    result = _load(con, tmp_path, "litellm", payload, litellm.parse(payload, "gate.json", FETCHED.date()))
    assert result.status == "loaded" and result.rows_quarantined == 4
    assert _count(con, "staging.token_prices") == 96 and _count(con, "staging.models") > 0


def _revenue_payload(mislabelled: set[int]) -> bytes:
    """The 15 real NVIDIA quarters of the bundled snapshot in the live format (USD bn); the rows
    at the given positions labelled FY31 (a label that contradicts the quarter's dates)."""
    quarters = pl.read_csv(REVENUE_SNAPSHOT)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Quarter", "Start Date", "End Date", "total_revenue", "dc_revenue", "compute_revenue"])
    for position, row in enumerate(quarters.iter_rows(named=True)):
        label = "FY31" + row["fiscal_quarter"][4:] if position in mislabelled else row["fiscal_quarter"]
        amounts = [row[c] / 1e9 for c in ("total_revenue_usd", "datacenter_revenue_usd", "compute_revenue_usd")]
        writer.writerow([label, row["period_start"], row["period_end"], *(f"{a:.2f}" for a in amounts)])
    return out.getvalue().encode()


def test_one_bad_row_of_fifteen_revenue_rows_is_quarantined_and_the_other_fourteen_load(con, tmp_path):
    payload = _revenue_payload({5})
    frames = nvidia_revenue.parse(payload, "revenue.csv")
    assert frames["vendor_revenue"].height == 15
    result = _load(con, tmp_path, "nvidia_revenue", payload, frames)
    assert result.status == "loaded" and result.rows_loaded == 14 and result.rows_quarantined == 1
    quarantined = con.execute("select source_row, column_name, check_name from meta.quarantine").fetchall()
    assert [(row, check) for row, _, check in quarantined] == [(7, "fiscal_quarter_matches_period_end")]
    loaded = {q for (q,) in con.execute("select fiscal_quarter from staging.vendor_revenue").fetchall()}
    assert "FY24Q2" not in loaded and "FY31Q2" not in loaded and len(loaded) == 14


def test_two_bad_rows_of_fifteen_revenue_rows_reject_the_batch(con, tmp_path):
    payload = _revenue_payload({5, 9})
    with pytest.raises(BatchRejected) as rejected:
        _load(con, tmp_path, "nvidia_revenue", payload, nvidia_revenue.parse(payload, "revenue.csv"))
    assert "13.3% of vendor_revenue rows (2 of 15; threshold 5% and at least 2 rows)" in str(rejected.value)
    assert _count(con, "staging.vendor_revenue") == 0


def test_a_gate_configured_for_one_frame_of_one_feed_applies_there_only(con, tmp_path):
    gates = parse_gates(
        {
            "default": {"max_bad_share": 0.05, "min_bad_rows": 2},
            "nvidia_revenue": {"vendor_revenue": {"min_bad_rows": 1}},
        },
        "test",
    )
    assert gates.gate_for("nvidia_revenue", "vendor_revenue") == FrameGate(0.05, 1)
    assert gates.gate_for("nvidia_revenue", "gpu_prices") == FrameGate(0.05, 2)
    assert gates.gate_for("litellm", "token_prices") == FrameGate(0.05, 2)
    payload = _revenue_payload({5})
    with pytest.raises(BatchRejected, match="at least 1 rows"):
        _load(con, tmp_path, "nvidia_revenue", payload, nvidia_revenue.parse(payload, "revenue.csv"), gates=gates)


def test_a_feed_level_gate_is_the_base_of_its_frames():
    gates = parse_gates(
        {
            "default": {"max_bad_share": 0.05},
            "litellm": {"max_bad_share": 0.02, "models": {"min_bad_rows": 5}},
        },
        "test",
    )
    assert gates.default == FrameGate(0.05, 2)
    assert gates.gate_for("litellm", "token_prices") == FrameGate(0.02, 2)
    assert gates.gate_for("litellm", "models") == FrameGate(0.02, 5)


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({}, "has no [default]"),
        ({"default": {}, "no_such_feed": {}}, "unknown feed [no_such_feed]"),
        ({"default": {}, "litellm": {"chip_shipments": {}}}, "litellm has the frames token_prices"),
        ({"default": {"max_bad_percent": 5}}, "unknown keys: max_bad_percent"),
        ({"default": {"max_bad_share": 5}}, "max_bad_share must be a share between 0 and 1"),
        ({"default": {"min_bad_rows": 0}}, "min_bad_rows must be a whole number of at least 1"),
        ({"default": {"min_bad_rows": 1.5}}, "min_bad_rows must be a whole number"),
    ],
)
def test_a_malformed_gate_table_is_a_clear_error(document, fragment):
    with pytest.raises(FeedError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        parse_gates(document, "test")


def test_the_packaged_gate_table_holds_every_frame_to_five_percent_and_two_rows():
    gates = configured_gates()
    for feed in FEEDS.values():
        for table in feed.tables:
            assert gates.gate_for(feed.feed_id, table) == FrameGate(0.05, 2)


@pytest.mark.parametrize(
    ("bad", "rows", "rejected"),
    [(1, 15, False), (2, 15, True), (1, 2, False), (2, 40, False), (3, 40, True), (0, 0, False), (2, 2, True)],
)
def test_a_frame_is_rejected_only_above_both_the_share_and_the_count(bad, rows, rejected):
    # 5% of 40 is 2: two bad rows are not more than the share, three are.
    assert FrameGate(0.05, 2).rejects(bad, rows) is rejected
