import datetime as dt

import polars as pl
import pytest

from sources.schemas import DEMAND_OBSERVATION_COLUMNS
from transforms.demand import TOKEN_DEMAND_SCHEMA, demand_history, demand_sparsity, token_demand

D = dt.date


def _observation(observation_id, company, product, observed_on, tokens_per_day=None, users=None):
    return {
        "observation_id": observation_id,
        "company": company,
        "product": product,
        "observed_on": observed_on,
        "tokens_per_day": tokens_per_day,
        "messages_per_day": None,
        "active_users": users,
        "active_users_period": "Weekly" if users else "",
        "source_type": "Company disclosure",
        "confidence": "Confident",
        "source_url": "https://example.com",
        "source_row": 1,
        "provenance": "test",
    }


def _observations():
    return pl.DataFrame(
        [
            _observation("g3", "Google", "All", D(2024, 7, 1), 4e13),
            _observation("g1", "Google", "All", D(2024, 1, 1), 1e13),
            _observation("g2", "Google", "All", D(2024, 3, 1), 2e13),
            _observation("api", "Google", "Gemini API", D(2024, 3, 1), 5e12),
            _observation("users", "OpenAI", "ChatGPT", D(2024, 3, 1), users=8e8),  # no tokens
            _observation("zero", "OpenAI", "API", D(2024, 3, 1), 0.0),  # not a usable report
            _observation("oa", "OpenAI", None, D(2024, 2, 9), 1.33e11),
        ],
        schema=DEMAND_OBSERVATION_COLUMNS,
    )


def test_token_demand_keeps_only_token_reports_in_order():
    demand = token_demand(_observations())
    assert demand.schema == pl.Schema(TOKEN_DEMAND_SCHEMA)
    assert demand["observation_id"].to_list() == ["g1", "g2", "g3", "api", "oa"]
    assert demand.filter(pl.col("observation_id") == "oa")["product"].to_list() == [""]


def test_sparsity_by_company_and_by_series():
    demand = token_demand(_observations())
    by_company = demand_sparsity(demand)
    google = by_company.filter(pl.col("company") == "Google").row(0, named=True)
    # Reports on Jan 1, Mar 1 (twice: two products) and Jul 1 2024: gaps 60, 0 and 122 days.
    assert google["n_observations"] == 4
    assert (google["first_observed_on"], google["last_observed_on"]) == (D(2024, 1, 1), D(2024, 7, 1))
    assert google["span_years"] == pytest.approx(182 / 365.25)
    assert google["median_gap_days"] == pytest.approx(60.0)
    by_series = demand_sparsity(demand, by=("company", "product"))
    all_products = by_series.filter(pl.col("product") == "All").row(0, named=True)
    assert all_products["n_observations"] == 3
    assert all_products["median_gap_days"] == pytest.approx(91.0)  # gaps 60 and 122
    single = by_series.filter(pl.col("company") == "OpenAI").row(0, named=True)
    assert (single["n_observations"], single["span_years"], single["median_gap_days"]) == (1, 0.0, None)


def test_history_of_one_series_never_mixes_products():
    demand = token_demand(_observations())
    history = demand_history(demand, "Google", "All")
    assert history.columns == ["ds", "y"]
    assert history["y"].to_list() == [1e13, 2e13, 4e13]
    doubled = pl.concat([demand, demand.filter(pl.col("observation_id") == "g1").with_columns(tokens_per_day=3e13)])
    assert demand_history(doubled, "Google", "All")["y"][0] == pytest.approx(2e13)
