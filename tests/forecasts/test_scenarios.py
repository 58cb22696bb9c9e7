import csv
import datetime as dt
import math
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from forecasts.sanity import scenario_drivers_ordered
from forecasts.scenarios import (
    DEFAULT_PARAMETERS_FILE,
    PARAMETERS_SCHEMA,
    REQUIRED_PARAMETERS,
    SCENARIOS_SCHEMA,
    MissingEstimateError,
    ParameterFileError,
    decimal_year,
    demand_scenarios,
    parse_reference,
    read_parameter_file,
    resolve_parameters,
    token_mix_multiplier,
)
from warehouse.migrate import apply_migrations

D = dt.date
RUN = "run-test"
AS_OF = D(2025, 10, 15)


def insert(con: duckdb.DuckDBPyConnection, table: str, **row: Any) -> None:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"insert into {table} ({columns}) values ({marks})", list(row.values()))


def warehouse(as_of: dt.date = AS_OF) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    apply_migrations(con)
    insert(
        con,
        "forecast.runs",
        run_id=RUN,
        as_of=as_of,
        started_at=dt.datetime(2025, 10, 15),
        data_vintage="[]",
        status="success",
    )
    return con


def value_row(
    con: duckdb.DuckDBPyConnection, target: str, series_id: str, ds: D, mean: float, unit: str, spread: float = 2.0
) -> None:
    insert(
        con,
        "forecast.values",
        run_id=RUN,
        target=target,
        series_id=series_id,
        model="loglinear_hac",
        ds=ds,
        median=mean,
        lo_80=mean / spread,
        hi_80=mean * spread,
        lo_95=mean / spread**2,
        hi_95=mean * spread**2,
        unit=unit,
    )


def write_parameters(path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["scenario", "parameter", "value", "unit", "basis"])
        writer.writerows(rows)
    return path


# --- references ------------------------------------------------------------------------------


def test_references_parse_into_source_keys_and_column():
    ref = parse_reference("estimate:values/installed_h100e/all/2027:hi_80")
    assert (ref.source, ref.keys, ref.column) == ("values", ("installed_h100e", "all", "2027"), "hi_80")
    # A chip name may itself contain "/": hardware keeps the rest as one key.
    chip = parse_reference("estimate:hardware/Cambricon MLU370-S4/S8:fp16_flop_per_s")
    assert chip.keys == ("Cambricon MLU370-S4/S8",)


@pytest.mark.parametrize(
    "text",
    [
        "growth_rates/token_demand/Google:factor_per_year",  # no prefix
        "estimate:nowhere/x:mean",  # unknown source
        "estimate:values/installed_h100e/all:mean",  # a key short
        "estimate:values/installed_h100e/all/2027:mean",  # column not allowed (stored as median)
        "estimate:growth_rates/token_demand/Google",  # no column
        "estimate:hardware/NVIDIA H100 SXM5 80GB:provenance",  # not a numeric spec
    ],
)
def test_malformed_references_are_refused(text):
    with pytest.raises(ParameterFileError):
        parse_reference(text)


# --- the resolver on a fixture warehouse -----------------------------------------------------


def fixture_estimates(con: duckdb.DuckDBPyConnection) -> None:
    insert(
        con,
        "forecast.growth_rates",
        run_id=RUN,
        target="token_demand",
        series_id="Google",
        factor_per_year=4.0,
        ci90_low=2.0,
        ci90_high=8.0,
        n=4,
        start_date=D(2024, 4, 15),
        end_date=D(2025, 9, 30),
        method="ols",
    )
    # Two quarters of 2026: the year reference must pick the last one (year end).
    value_row(con, "installed_h100e", "all", D(2026, 7, 1), 3.0e7, "h100e")
    value_row(con, "installed_h100e", "all", D(2026, 10, 1), 4.0e7, "h100e")
    insert(
        con,
        "forecast.token_multiplier",
        run_id=RUN,
        task="all",
        n_reasoning_models=3,
        n_other_models=4,
        multiplier=6.0,
        ci90_low=None,
        ci90_high=9.0,
        reasoning_output_tokens_per_sample=3000.0,
        other_output_tokens_per_sample=500.0,
    )
    insert(
        con,
        "staging.hardware_specs",
        chip="NVIDIA H100 SXM5 80GB",
        vendor="Nvidia",
        chip_type="GPU",
        tensor_fp16_bf16_flop_per_s=989.4e12,
        provenance="fixture",
        batch_id="b1",
    )
    # Token reports. Company A: two products that nest; the larger latest 2025 figure counts.
    reports = [
        ("a1", "A", "all products", D(2025, 3, 1), 10e12),
        ("a2", "A", "all products", D(2025, 9, 30), 20e12),
        ("a3", "A", "api", D(2025, 10, 1), 5e12),
        ("b0", "B", "chat", D(2024, 6, 1), 9e12),  # previous year: not counted
        ("b1", "B", "chat", D(2025, 2, 1), 1e12),
        ("b2", "B", "chat", D(2025, 11, 1), 3e12),  # after the run's as-of date: not counted
    ]
    for observation_id, company, product, day, tokens in reports:
        insert(
            con,
            "marts.token_demand",
            observation_id=observation_id,
            company=company,
            product=product,
            observed_on=day,
            tokens_per_day=tokens,
        )
    adoption = [
        ("quarter", D(2025, 1, 1), "all", 4, 3, 1),
        ("quarter", D(2025, 4, 1), "all", 6, 6, 0),
        ("quarter", D(2024, 10, 1), "all", 5, 0, 0),  # previous year
        ("month", D(2025, 5, 1), "all", 50, 0, 0),  # months are not counted again
        ("quarter", D(2025, 4, 1), "OpenAI", 2, 1, 0),
    ]
    for period_type, period, organization, n, k, unknown in adoption:
        insert(
            con,
            "marts.reasoning_adoption",
            period_type=period_type,
            period=period,
            organization=organization,
            n_releases=n + unknown,
            n_flag_known=n,
            n_reasoning=k,
            n_unknown=unknown,
        )


def test_resolver_reads_every_source_of_the_run(tmp_path):
    con = warehouse()
    fixture_estimates(con)
    path = write_parameters(
        tmp_path / "p.csv",
        [
            ("base", "growth", "estimate:growth_rates/token_demand/Google:ci90_high", "x", "why growth"),
            ("base", "installed_{year}", "estimate:values/installed_h100e/all/{year}:lo_80", "h100e", "end of {year}"),
            ("base", "installed_exact", "estimate:values/installed_h100e/all/2026-07-01:median", "h100e", "a date"),
            ("base", "multiplier", "estimate:token_multiplier/all:multiplier", "x", "why m"),
            ("base", "peak", "estimate:hardware/NVIDIA H100 SXM5 80GB:tensor_fp16_bf16_flop_per_s", "FLOP/s", "spec"),
            ("base", "tokens", "estimate:token_demand_total/2025:tokens_per_day", "tokens_per_day", "lower bound"),
            ("base", "tokens_date", "estimate:token_demand_total/2025:latest_report_decimal_year", "year", "date"),
            ("base", "s0", "estimate:reasoning_adoption/all/2025:share", "share", "pooled"),
            ("base", "s0_min", "estimate:reasoning_adoption/all/2025:share_min", "share", "pooled"),
            ("base", "s0_max", "estimate:reasoning_adoption/all/2025:share_max", "share", "pooled"),
            ("base", "active", "37e9", "parameters", "DeepSeek-V3"),
        ],
    )
    resolved = resolve_parameters(con, RUN, path, years=(2026,))
    assert resolved.schema == pl.Schema(PARAMETERS_SCHEMA)
    value = dict(zip(resolved["parameter"], resolved["value"], strict=True))
    assert value["growth"] == 8.0
    assert value["installed_2026"] == pytest.approx(4.0e7 / 2)  # last 2026 row (Q4), its lo_80
    assert value["installed_exact"] == 3.0e7
    assert value["multiplier"] == 6.0
    assert value["peak"] == 989.4e12
    # A: max(20e12 all products on 09-30, 5e12 api on 10-01); B: 1e12 (2024 and post-as-of reports ignored).
    assert value["tokens"] == pytest.approx(21e12)
    # The latest report in the sum is A's 2025-09-30 (day 273 of 365).
    assert value["tokens_date"] == pytest.approx(2025 + 272 / 365)
    assert value["s0"] == pytest.approx(9 / 10)
    assert value["s0_min"] == pytest.approx(9 / 11)
    assert value["s0_max"] == pytest.approx(10 / 11)
    assert value["active"] == 37e9
    basis = dict(zip(resolved["parameter"], resolved["basis"], strict=True))
    assert basis["growth"].startswith("estimate:growth_rates/token_demand/Google:ci90_high = 8 (")
    assert "n=4" in basis["growth"] and basis["growth"].endswith("why growth")
    assert "ds=2026-10-01" in basis["installed_2026"] and basis["installed_2026"].endswith("end of 2026")
    assert "A 2e+13 (all products, 2025-09-30)" in basis["tokens"]
    assert basis["active"] == "assumption: DeepSeek-V3"


def test_a_reference_beyond_the_horizon_names_parameter_reference_and_horizon(tmp_path):
    con = warehouse()
    fixture_estimates(con)
    path = write_parameters(
        tmp_path / "p.csv",
        [("bull", "installed_{year}", "estimate:values/installed_h100e/all/{year}:lo_80", "h100e", "year end")],
    )
    with pytest.raises(MissingEstimateError) as caught:
        resolve_parameters(con, RUN, path, years=(2026, 2027))
    error = caught.value
    assert (error.scenario, error.parameter) == ("bull", "installed_2027")
    assert error.reference == "estimate:values/installed_h100e/all/2027:lo_80"
    assert "2026-07-01..2026-10-01" in str(error) and "installed_2027" in str(error)


@pytest.mark.parametrize(
    "reference",
    [
        "estimate:token_multiplier/all:ci90_low",  # null in the run
        "estimate:growth_rates/token_demand/OpenAI:factor_per_year",  # series not fitted
        "estimate:hardware/NVIDIA B200:tensor_fp16_bf16_flop_per_s",  # chip not ingested
        "estimate:token_demand_total/2023:tokens_per_day",  # no report that year
        "estimate:reasoning_adoption/Anthropic/2025:share",  # no releases
    ],
)
def test_unavailable_estimates_raise_missing_estimate(tmp_path, reference):
    con = warehouse()
    fixture_estimates(con)
    path = write_parameters(tmp_path / "p.csv", [("base", "x", reference, "u", "b")])
    with pytest.raises(MissingEstimateError) as caught:
        resolve_parameters(con, RUN, path)
    assert caught.value.reference == reference and caught.value.parameter == "x"


def test_another_run_does_not_leak_into_this_one(tmp_path):
    con = warehouse()
    fixture_estimates(con)
    path = write_parameters(
        tmp_path / "p.csv", [("base", "g", "estimate:growth_rates/token_demand/Google:factor_per_year", "x", "b")]
    )
    with pytest.raises(MissingEstimateError):
        resolve_parameters(con, "run-other", path)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("base", "x", "1", "u", "")], "basis"),
        ([("base", "x", "1", "u", "b"), ("base", "x", "2", "u", "b")], "more than once"),
        ([("base", "x", "one", "u", "b")], "number or a reference"),
        ([("base", "x", "estimate:values/t/s/{year}:median", "u", "b")], "{year}"),
    ],
)
def test_malformed_files_are_refused(tmp_path, rows, message):
    con = warehouse()
    with pytest.raises(ParameterFileError, match=message if message != "{year}" else r"\{year\}"):
        resolve_parameters(con, RUN, write_parameters(tmp_path / "p.csv", rows))


# --- the arithmetic --------------------------------------------------------------------------


def parameters_frame(scenario: str, values: dict[str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"scenario": scenario, "parameter": k, "value": v, "unit": "u", "basis": "b"} for k, v in values.items()],
        schema=PARAMETERS_SCHEMA,
    )


HAND = {
    "base_tokens_per_day": 1e12,
    "latest_report_decimal_year": 2026.0,  # so the end of 2026 is 1 year later
    "token_growth_factor_per_year": 2.0,
    "base_reasoning_share": 0.5,
    "reasoning_share_2026": 0.5,
    "reasoning_share_2027": 1.0,
    "reasoning_share_2028": 0.0,
    "token_multiplier": 3.0,
    "flop_per_active_parameter": 2.0,
    "active_parameters": 50e9,
    "installed_h100e_2026": 1e6,
    "installed_h100e_2027": 2e6,
    "installed_h100e_2028": 4e6,
    "h100_peak_flop_per_s": 1e15,
    "inference_share_of_compute": 0.5,
}


def test_hand_computed_scenario():
    result = demand_scenarios(parameters_frame("base", HAND))
    assert result.schema == pl.Schema(SCENARIOS_SCHEMA)
    assert result["year"].to_list() == [2026, 2027, 2028]
    # Tokens double each year from 1e12 at the start of 2026.
    assert result["tokens_per_day"].to_list() == pytest.approx([2e12, 4e12, 8e12])
    # Mix: base (1 - 0.5 + 0.5*3) = 2; s = 0.5 -> 2/2, s = 1 -> 3/2, s = 0 -> 1/2.
    assert result["token_mix_multiplier"].to_list() == pytest.approx([1.0, 1.5, 0.5])
    # FLOP/token = 2 x 50e9 = 1e11; demand = tokens x mix x 1e11 / 86400.
    demand = [2e12 * 1.0 * 1e11 / 86400, 4e12 * 1.5 * 1e11 / 86400, 8e12 * 0.5 * 1e11 / 86400]
    assert result["inference_flop_per_s"].to_list() == pytest.approx(demand)
    # Capacity = installed x 1e15 x 0.5.
    capacity = [5e20, 1e21, 2e21]
    assert result["inference_capacity_flop_per_s"].to_list() == pytest.approx(capacity)
    assert result["implied_utilization"].to_list() == pytest.approx(
        [d / c for d, c in zip(demand, capacity, strict=True)]
    )
    assert result["implied_utilization"][0] == pytest.approx(2.3148148e18 / 5e20)


def test_growth_runs_from_the_base_report_date_to_each_year_end():
    late = dict(HAND, latest_report_decimal_year=2025.75)  # reports from the start of Q4 2025
    result = demand_scenarios(parameters_frame("base", late), years=(2026,))
    assert result["tokens_per_day"][0] == pytest.approx(1e12 * 2.0**1.25)


def test_mix_multiplier_is_one_when_the_share_does_not_move():
    assert token_mix_multiplier(0.3, 0.3, 7.0) == pytest.approx(1.0)
    assert token_mix_multiplier(1.0, 0.0, 7.0) == pytest.approx(7.0)


def test_scenarios_keep_their_order_and_a_missing_parameter_is_named():
    frame = pl.concat([parameters_frame("bull", HAND), parameters_frame("bear", HAND)])
    assert demand_scenarios(frame)["scenario"].unique(maintain_order=True).to_list() == ["bull", "bear"]
    without = {k: v for k, v in HAND.items() if k != "installed_h100e_2027"}
    with pytest.raises(ValueError, match="'base' lacks parameter 'installed_h100e_2027'"):
        demand_scenarios(parameters_frame("base", without))
    with pytest.raises(ValueError, match="share in"):
        demand_scenarios(parameters_frame("base", dict(HAND, reasoning_share_2026=1.2)))


def test_decimal_year():
    assert decimal_year(D(2025, 1, 1)) == 2025.0
    assert decimal_year(D(2024, 7, 2)) == pytest.approx(2024 + 183 / 366)


# --- the shipped parameter file --------------------------------------------------------------


def test_shipped_file_names_every_parameter_for_every_scenario_and_year():
    rows = read_parameter_file(DEFAULT_PARAMETERS_FILE)
    assert rows["scenario"].unique(maintain_order=True).to_list() == ["bear", "base", "bull"]
    for scenario in ("bear", "base", "bull"):
        names = set(rows.filter(pl.col("scenario") == scenario)["parameter"])
        for name in REQUIRED_PARAMETERS:
            needed = {name.replace("{year}", str(y)) for y in (2026, 2027, 2028)} if "{year}" in name else {name}
            assert needed <= names, (scenario, needed - names)
    for text in rows["value"]:
        if text.startswith("estimate:"):
            parse_reference(text)  # raises if malformed


def test_shipped_scenarios_run_in_the_documented_direction():
    # Every driver is ordered bear <= base <= bull: bull is the larger economy in demand and capacity.
    con = warehouse(as_of=D(2026, 1, 15))
    insert(
        con,
        "forecast.growth_rates",
        run_id=RUN,
        target="token_demand",
        series_id="pooled",
        factor_per_year=3.0,
        ci90_low=2.0,
        ci90_high=5.0,
        n=4,
        start_date=D(2024, 4, 15),
        end_date=D(2025, 9, 30),
        method="ols",
    )
    for year in (2026, 2027, 2028):
        value_row(con, "reasoning_share", "all", D(year, 10, 1), 0.9, "share", spread=1.05)
        value_row(con, "installed_h100e", "all", D(year, 10, 1), 2e7 * 3 ** (year - 2025), "h100e")
    insert(
        con,
        "forecast.token_multiplier",
        run_id=RUN,
        task="all",
        n_reasoning_models=5,
        n_other_models=5,
        multiplier=6.0,
        ci90_low=4.0,
        ci90_high=9.0,
        reasoning_output_tokens_per_sample=3000.0,
        other_output_tokens_per_sample=500.0,
    )
    insert(
        con,
        "staging.hardware_specs",
        chip="NVIDIA H100 SXM5 80GB",
        vendor="Nvidia",
        chip_type="GPU",
        tensor_fp16_bf16_flop_per_s=989.4e12,
        provenance="fixture",
        batch_id="b1",
    )
    insert(
        con,
        "marts.token_demand",
        observation_id="g",
        company="Google",
        product="all",
        observed_on=D(2025, 9, 30),
        tokens_per_day=4.3e13,
    )
    insert(
        con,
        "marts.reasoning_adoption",
        period_type="quarter",
        period=D(2025, 7, 1),
        organization="all",
        n_releases=10,
        n_flag_known=10,
        n_reasoning=8,
        n_unknown=0,
    )
    parameters = resolve_parameters(con, RUN)
    assert parameters.height == 3 * (len(REQUIRED_PARAMETERS) + 2 * 2)  # {year} rows count three times
    result = demand_scenarios(parameters)
    checks = scenario_drivers_ordered(parameters)
    assert checks.height > 0 and checks["passed"].all(), checks.filter(~pl.col("passed"))["message"].to_list()
    rows = {(row["scenario"], row["year"]): row for row in result.iter_rows(named=True)}
    for year in (2026, 2027, 2028):
        for column in ("inference_flop_per_s", "inference_capacity_flop_per_s"):
            assert rows[("bear", year)][column] < rows[("base", year)][column] < rows[("bull", year)][column]
        for scenario in ("bear", "base", "bull"):
            row = rows[(scenario, year)]
            assert row["capacity_consistent"] == (row["implied_utilization"] <= 1.0)
    base_2026 = result.filter((pl.col("scenario") == "base") & (pl.col("year") == 2026)).row(0, named=True)
    assert base_2026["installed_h100e"] == pytest.approx(6e7)
    assert base_2026["tokens_per_day"] == pytest.approx(4.3e13 * 3.0 ** (2027 - decimal_year(D(2025, 9, 30))))
    assert math.isfinite(base_2026["implied_utilization"])
