"""The cost marts read flagged price listings only when the warehouse has the plausibility check's table."""

import datetime as dt

import duckdb

from flows.cost_marts import flagged_listings


def test_flagged_listings_are_none_without_the_table_and_read_when_it_exists():
    con = duckdb.connect()
    con.execute("create schema marts")
    assert flagged_listings(con) is None
    con.execute(
        "create table marts.flagged_price_listings as select 'litellm' as source, 'vertex_ai' as provider, "
        "'gemini-x' as model, date '2025-02-28' as observed_on, 'too cheap' as reason"
    )
    flagged = flagged_listings(con)
    assert flagged is not None
    assert flagged.to_dicts() == [
        {"source": "litellm", "provider": "vertex_ai", "model": "gemini-x", "observed_on": dt.date(2025, 2, 28)}
    ]
