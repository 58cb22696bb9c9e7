"""Every column of the warehouse has a comment, the data dictionary is generated from them, and
the renamed and added columns of migration 015 behave as documented."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from transforms.price_observations import price_model_ids
from warehouse.db import insert_frame
from warehouse.dictionary import DICTIONARY_FILE, migrated_warehouse, render_markdown, undocumented_columns


@pytest.fixture
def con():
    connection = migrated_warehouse()
    yield connection
    connection.close()


def test_every_column_of_every_table_and_view_has_a_comment(con):
    # Generic over duckdb_columns(): a column any later migration adds without a comment fails here.
    assert undocumented_columns(con) == []


def test_every_table_and_view_has_a_comment(con):
    from warehouse.dictionary import relations

    assert [r.qualified for r in relations(con) if not r.comment] == []


def test_a_column_without_a_comment_is_reported(con):
    con.execute("create table marts.undocumented_example (documented integer, bare integer)")
    con.execute("comment on column marts.undocumented_example.documented is 'a count'")
    assert undocumented_columns(con) == ["marts.undocumented_example.bare"]


def test_data_dictionary_is_up_to_date(con):
    # Regenerate with `python -m warehouse.dictionary` after changing a migration.
    assert DICTIONARY_FILE.read_text(encoding="utf-8") == render_markdown(con)


def test_every_view_still_binds_after_all_migrations(con):
    # A view over a renamed column (forecast.values.mean -> median) fails only when queried.
    views = con.execute(
        "select schema_name, view_name from duckdb_views() where database_name = current_database() and not internal"
    ).fetchall()
    assert views
    for schema, view in views:
        con.execute(f'select * from "{schema}"."{view}" limit 0').fetchall()


def test_the_point_forecast_is_stored_as_a_median(con):
    columns = [
        row[0] for row in con.execute("select column_name from duckdb_columns() where table_name = 'values'").fetchall()
    ]
    assert "median" in columns and "mean" not in columns
    latest = [row[0] for row in con.execute("describe marts.latest_forecast").fetchall()]
    assert "median" in latest and "mean" not in latest


def _price(model: str, provider: str, day: dt.date = dt.date(2025, 1, 1)) -> dict:
    return {
        "source": "litellm",
        "provider": provider,
        "model": model,
        "model_version": "",
        "observed_on": day,
        "blended_usd_per_mtok": 1.0,
        "provenance": "test",
        "batch_id": "b1",
    }


def test_price_history_says_first_party_or_reseller(con: duckdb.DuckDBPyConnection):
    insert_frame(
        con,
        "staging.token_prices",
        pl.DataFrame(
            [
                _price("gpt-4o", "openai"),
                _price("gpt-4o", "azure"),
                _price("gemini-2.0-flash", "vertex_ai-language-models"),
                _price("mystery-model", "together_ai"),
                _price("gpt-4o", "unspecified"),
            ]
        ),
    )
    insert_frame(
        con,
        "marts.model_developers",
        pl.DataFrame(
            {
                "model_id": ["gpt-4o", "gemini-2.0-flash"],
                "organization": ["OpenAI", None],
                "developer": ["OpenAI", "Google"],
            }
        ),
    )
    insert_frame(
        con,
        "marts.developer_providers",
        pl.DataFrame({"developer": ["OpenAI", "Google"], "provider_prefix": ["openai", "vertex_ai"]}),
    )
    insert_frame(con, "marts.model_reasoning", pl.DataFrame({"model_id": ["gpt-4o"], "is_reasoning": [False]}))
    rows = con.execute(
        "select model_id, provider, developer, listing_party, is_reasoning from marts.model_price_history order by all"
    ).fetchall()
    assert rows == [
        ("gemini-2.0-flash", "vertex_ai-language-models", "Google", "first-party", None),  # flag unknown
        ("gpt-4o", "azure", "OpenAI", "reseller", False),
        ("gpt-4o", "openai", "OpenAI", "first-party", False),
        ("gpt-4o", "unspecified", "OpenAI", None, False),  # the provider cannot be judged
        ("mystery-model", "together_ai", None, None, None),  # no developer known
    ]


def test_cheapest_per_tier_carries_model_id_and_developer(con):
    insert_frame(
        con,
        "marts.price_index",
        pl.DataFrame(
            {
                "tier_id": ["t1"],
                "benchmark": ["mmlu"],
                "threshold_model": [None],
                "threshold_score": [70.0],
                "month": [dt.date(2025, 1, 1)],
                "cheapest_blended_usd_per_mtok": [0.5],
                "cheapest_model": ["openrouter/google/gemini-flash"],
                "cheapest_model_id": ["gemini-2.0-flash"],
                "cheapest_provider": ["openrouter"],
                "price_observed_on": [dt.date(2025, 1, 20)],
                "qualifying_models": [3],
            },
            schema_overrides={"threshold_model": pl.String},
        ),
    )
    insert_frame(
        con,
        "marts.model_developers",
        pl.DataFrame({"model_id": ["gemini-2.0-flash"], "organization": ["Google DeepMind"], "developer": ["Google"]}),
    )
    insert_frame(
        con,
        "marts.developer_providers",
        pl.DataFrame({"developer": ["Google"], "provider_prefix": ["vertex_ai"]}),
    )
    insert_frame(con, "staging.token_prices", pl.DataFrame([_price("gemini-2.0-flash", "openrouter")]))
    insert_frame(
        con,
        "marts.model_reasoning",
        pl.DataFrame({"model_id": ["gemini-2.0-flash"], "is_reasoning": [False], "reasoning_flag_basis": ["source"]}),
    )
    assert con.execute(
        "select cheapest_model, cheapest_model_id, cheapest_developer, cheapest_listing_party, cheapest_is_reasoning"
        " from marts.cheapest_per_tier"
    ).fetchall() == [("openrouter/google/gemini-flash", "gemini-2.0-flash", "Google", "reseller", False)]


def test_reasoning_adoption_comments_state_the_formulas_the_transform_computes(con):
    # Migration 015 once described n_releases as "flag known" and share as n_reasoning / n_releases;
    # the transform computes neither. Each formula in a comment is evaluated on the transform's output.
    import re

    from tests.transforms.test_adoption import _models
    from transforms.adoption import reasoning_share

    shares = reasoning_share(_models(), period="quarter")
    assert shares.filter(pl.col("n_unknown") > 0).height  # the formulas differ only when a flag is unknown
    comments = dict(
        con.execute(
            "select column_name, comment from duckdb_columns() "
            "where schema_name = 'marts' and table_name = 'reasoning_adoption'"
        ).fetchall()
    )
    formulas = {
        column: match.group(1)
        for column, comment in comments.items()
        if (match := re.search(r"Formula: (.+)\.$", comment or ""))
    }
    assert set(formulas) == {"n_releases", "n_flag_known", "share", "share_min", "share_max"}
    context = pl.SQLContext(shares=shares)
    for column, formula in formulas.items():
        got = context.execute(f"select {column} as stored, {formula} as documented from shares", eager=True)
        assert got["stored"].cast(pl.Float64).to_list() == pytest.approx(
            got["documented"].cast(pl.Float64).to_list(), nan_ok=True
        ), column


def test_a_price_name_no_alias_covers_is_keyed_by_the_price_index_id(con):
    listing = _price("Llama-3-Instruct-70B", "unspecified") | {"source": "epoch_price_benchmarks"}
    insert_frame(con, "staging.token_prices", pl.DataFrame([listing]))
    insert_frame(con, "marts.price_model_ids", price_model_ids(pl.DataFrame([listing])))
    insert_frame(
        con,
        "marts.model_developers",
        pl.DataFrame({"model_id": ["llama-3-instruct-70b"], "developer": ["Meta"]}),
    )
    assert con.execute("select model_id, developer, match_method from marts.model_price_history").fetchall() == [
        ("llama-3-instruct-70b", "Meta", "unmatched")  # the id marts.price_index.cheapest_model_id holds
    ]
