"""Inference demand scenarios (bear, base, bull) for 2026-2028: implied compute demand and utilisation.

Every assumption is a named row of a parameter file (forecasts/data/demand_scenarios.csv,
columns `scenario, parameter, value, unit, basis`). A value is either a literal number (an
explicit assumption; `basis` says why that number) or a reference to an estimate, resolved
against one forecast run. `resolve_parameters` turns the file into numbers with the resolved
reference and its provenance in `basis` (the rows of forecast.scenario_parameters);
`demand_scenarios` does the arithmetic (the rows of forecast.demand_scenarios).

Reference syntax
----------------
``estimate:<source>/<key>[/<key>...]:<column>`` where source is one of

* ``growth_rates/<target>/<series_id>:<column>`` - forecast.growth_rates of the run;
  column factor_per_year | ci90_low | ci90_high | anchor_factor_per_year.
* ``values/<target>/<series_id>/<period>:<column>`` - forecast.values of the run; column
  median | lo_80 | hi_80 | lo_95 | hi_95. `period` is an ISO date (exactly that `ds`) or a
  year ``YYYY``: the last `ds` in that calendar year, i.e. the year-end value of a monthly or
  quarterly series (for installed compute the 4th-quarter row, the stock at 31 December).
* ``token_multiplier/<task>:<column>`` - forecast.token_multiplier of the run; column
  multiplier | ci90_low | ci90_high | reasoning_output_tokens_per_sample |
  other_output_tokens_per_sample.
* ``hardware/<chip>:<column>`` - staging.hardware_specs (exact chip name, which may itself
  contain "/"); any numeric spec column, e.g. tensor_fp16_bf16_flop_per_s.
* ``token_demand_total/<year>:<column>`` - reported token volume in a base year from
  marts.token_demand; column tokens_per_day | latest_report_decimal_year. See below.
* ``reasoning_adoption/<organization>/<year>:<column>`` - share of the year's new model
  releases that reason, pooled over the quarter rows of marts.reasoning_adoption
  (sum n_reasoning / sum n_flag_known); column share | share_min | share_max.

A parameter name containing ``{year}`` is expanded over the scenario years (2026, 2027,
2028), with ``{year}`` substituted in the value and basis as well, so a per-year quantity is
one line of the file. A reference that the run does not hold (a series that was not fitted,
a year beyond the forecast horizon, a null estimate) raises MissingEstimateError naming the
scenario, the parameter and the reference. The shipped file reads year-end forecasts of
installed_h100e/all and reasoning_share/all for every scenario year, so the run's horizon for
those targets must reach the fourth quarter of 2028.

Base-year token volume (token_demand_total)
------------------------------------------
Reports dated in the base year and on or before the run's as-of date. Per company, each
product's latest report in that year; the company's figure is the largest of its
products' figures, because a company's products nest ("Gemini API" is part of "Google (all
AI products)") and adding them would double count. The total is the sum over companies.
Only companies that publish token counts appear (no Anthropic, Meta, Microsoft, ...), and a
company's largest reported scope may still miss products, so the total is a LOWER BOUND on
industry token volume. `latest_report_decimal_year` is the date of the latest report in the
sum as a decimal year: growth is applied from there.

Arithmetic (per scenario and year Y)
------------------------------------
* t = (Y + 1) - latest_report_decimal_year: years from the base reports to the end of Y.
* tokens_per_day = base_tokens_per_day x token_growth_factor_per_year ^ t (the reported-token
  trend, before the mix adjustment below).
* token_mix_multiplier = (1 - s + s m) / (1 - s0 + s0 m), with s = reasoning_share_Y,
  s0 = base_reasoning_share and m = token_multiplier: reported tokens already contain the
  base year's reasoning mix, so only the change in mix since then scales them.
* inference_flop_per_s = tokens_per_day x token_mix_multiplier x flop_per_token / 86,400
  with flop_per_token = flop_per_active_parameter x active_parameters.
* inference_capacity_flop_per_s = installed_h100e_Y x h100_peak_flop_per_s x
  inference_share_of_compute.
* implied_utilization = inference_flop_per_s / inference_capacity_flop_per_s: the fraction of
  the inference fleet's peak that the demand would occupy. It is an output, not an input.
* capacity_consistent = implied_utilization <= 1. Above 1 the demand path does not fit on
  the projected installed base: it is not a forecast (growth must slow or capacity must grow
  faster). Such a year is kept, with its arithmetic, and marked inconsistent
  (capacity_consistent false, consistency_note saying by how much demand exceeds capacity);
  demand is not capped, because where it would be capped (price, rationing, slower adoption)
  is not something these inputs say. Serving typically reaches well below peak, so values
  near 1 already mean a shortage.

Scenario direction
------------------
Every driver is ordered bear <= base <= bull (forecasts.sanity.scenario_drivers_ordered
checks it on each run): bull is the larger inference economy (faster token growth, more
reasoning, larger models, more installed compute, a larger share of it serving inference),
bear the smaller one, base the central values. Utilization is a ratio of two bull-side
quantities in bull (and two bear-side ones in bear), so the scenarios bracket demand and
capacity, not utilization itself: read each year's utilization with its consistency mark.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

SCENARIOS = ("bear", "base", "bull")
SCENARIO_YEARS: tuple[int, ...] = (2026, 2027, 2028)
DEFAULT_PARAMETERS_FILE = Path(__file__).parent / "data" / "demand_scenarios.csv"
REFERENCE_PREFIX = "estimate:"
YEAR_PLACEHOLDER = "{year}"
SECONDS_PER_DAY = 86_400.0

FILE_COLUMNS = ("scenario", "parameter", "value", "unit", "basis")

PARAMETERS_SCHEMA: dict[str, pl.DataType] = {
    "scenario": pl.String(),
    "parameter": pl.String(),
    "value": pl.Float64(),
    "unit": pl.String(),
    "basis": pl.String(),
}

SCENARIOS_SCHEMA: dict[str, pl.DataType] = {
    "scenario": pl.String(),
    "year": pl.Int32(),
    "tokens_per_day": pl.Float64(),
    "reasoning_share": pl.Float64(),
    "token_mix_multiplier": pl.Float64(),
    "inference_flop_per_s": pl.Float64(),
    "installed_h100e": pl.Float64(),
    "inference_capacity_flop_per_s": pl.Float64(),
    "implied_utilization": pl.Float64(),
    "capacity_consistent": pl.Boolean(),
    "consistency_note": pl.String(),
}

# The parameters demand_scenarios needs per scenario; names with {year} are needed per year.
REQUIRED_PARAMETERS = (
    "base_tokens_per_day",
    "latest_report_decimal_year",
    "token_growth_factor_per_year",
    "base_reasoning_share",
    "reasoning_share_{year}",
    "token_multiplier",
    "flop_per_active_parameter",
    "active_parameters",
    "installed_h100e_{year}",
    "h100_peak_flop_per_s",
    "inference_share_of_compute",
)
SHARE_PARAMETERS = ("base_reasoning_share", "reasoning_share_{year}", "inference_share_of_compute")


class ParameterFileError(ValueError):
    """The parameter file is malformed (a bad row or reference): a mistake in the file."""


class MissingEstimateError(LookupError):
    """A referenced estimate is not in the run (not fitted, beyond the horizon, or null)."""

    def __init__(self, scenario: str, parameter: str, reference: str, reason: str) -> None:
        self.scenario = scenario
        self.parameter = parameter
        self.reference = reference
        self.reason = reason
        super().__init__(f"scenario {scenario!r}, parameter {parameter!r}: {reference} is not available: {reason}")


class _Missing(Exception):
    """Raised by a resolver; resolve_parameters adds the scenario and parameter."""


@dataclass(frozen=True)
class Reference:
    source: str
    keys: tuple[str, ...]
    column: str

    @property
    def text(self) -> str:
        return f"{REFERENCE_PREFIX}{'/'.join((self.source, *self.keys))}:{self.column}"


@dataclass(frozen=True)
class Resolved:
    value: float
    detail: str  # where the number comes from, for the basis column


@dataclass(frozen=True)
class _Run:
    run_id: str
    as_of: dt.date | None


# --- reading the file ------------------------------------------------------------------------


def read_parameter_file(path: Path = DEFAULT_PARAMETERS_FILE, years: Sequence[int] = SCENARIO_YEARS) -> pl.DataFrame:
    """The file's rows as strings, {year} rows expanded over `years`; checks shape and uniqueness."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != FILE_COLUMNS:
            raise ParameterFileError(f"{path}: columns must be {', '.join(FILE_COLUMNS)}, got {reader.fieldnames}")
        rows: list[dict[str, str]] = []
        for number, raw in enumerate(reader, start=2):
            row = {name: (raw.get(name) or "").strip() for name in FILE_COLUMNS}
            empty = [name for name in FILE_COLUMNS if not row[name]]
            if empty:
                raise ParameterFileError(f"{path}, line {number}: empty {', '.join(empty)} (every value needs a basis)")
            rows.extend(_expand(row, years, f"{path}, line {number}"))
    frame = pl.DataFrame(rows, schema=dict.fromkeys(FILE_COLUMNS, pl.String()))
    duplicated = frame.filter(pl.struct("scenario", "parameter").is_duplicated())
    if duplicated.height:
        first = duplicated.row(0, named=True)
        raise ParameterFileError(f"{path}: {first['scenario']}/{first['parameter']} is given more than once")
    return frame


def _expand(row: dict[str, str], years: Sequence[int], where: str) -> list[dict[str, str]]:
    if YEAR_PLACEHOLDER not in row["parameter"]:
        if YEAR_PLACEHOLDER in row["value"]:
            raise ParameterFileError(f"{where}: value uses {YEAR_PLACEHOLDER} but the parameter name does not")
        return [row]
    return [{name: text.replace(YEAR_PLACEHOLDER, str(year)) for name, text in row.items()} for year in years]


def parse_reference(text: str) -> Reference:
    """`estimate:<source>/<keys>:<column>` -> Reference; ParameterFileError if malformed."""
    if not text.startswith(REFERENCE_PREFIX):
        raise ParameterFileError(f"not a reference (must start with {REFERENCE_PREFIX!r}): {text!r}")
    path, sep, column = text[len(REFERENCE_PREFIX) :].rpartition(":")
    source, _, rest = path.partition("/")
    if not sep or not column or not rest:
        raise ParameterFileError(f"reference must look like estimate:<source>/<key>:<column>: {text!r}")
    if source not in _RESOLVERS:
        raise ParameterFileError(f"unknown reference source {source!r} in {text!r}; known: {', '.join(_RESOLVERS)}")
    arity, columns = _SHAPES[source]
    # A chip name may contain "/", so hardware keeps everything after the source as one key.
    keys = (rest,) if source == "hardware" else tuple(rest.split("/"))
    if len(keys) != arity or any(not key for key in keys):
        raise ParameterFileError(f"{source} references take {arity} key(s) separated by '/': {text!r}")
    if column not in columns:
        raise ParameterFileError(f"column {column!r} of {source} is not allowed in {text!r}; use one of {columns}")
    return Reference(source, keys, column)


# --- resolving -------------------------------------------------------------------------------


def resolve_parameters(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    path: Path = DEFAULT_PARAMETERS_FILE,
    years: Sequence[int] = SCENARIO_YEARS,
) -> pl.DataFrame:
    """PARAMETERS_SCHEMA rows: every parameter of the file as a number for this run.

    Literal values keep their basis; a reference's basis becomes
    "<reference> = <value> (<provenance>); <basis>". Raises MissingEstimateError for the
    first reference the run cannot answer, ParameterFileError for a malformed file.
    """
    rows = read_parameter_file(path, years)
    run = _Run(run_id, _as_of(con, run_id))
    cache: dict[str, Resolved] = {}
    resolved = []
    for row in rows.iter_rows(named=True):
        text = row["value"]
        if text.startswith(REFERENCE_PREFIX):
            if text not in cache:
                reference = parse_reference(text)
                try:
                    cache[text] = _RESOLVERS[reference.source](con, run, reference)
                except _Missing as missing:
                    raise MissingEstimateError(row["scenario"], row["parameter"], text, str(missing)) from None
            value = cache[text].value
            basis = f"{text} = {value:.6g} ({cache[text].detail}); {row['basis']}"
        else:
            try:
                value = float(text)
            except ValueError:
                raise ParameterFileError(
                    f"{row['scenario']}/{row['parameter']}: value must be a number or a reference, got {text!r}"
                ) from None
            if not math.isfinite(value):
                raise ParameterFileError(f"{row['scenario']}/{row['parameter']}: value must be finite, got {text!r}")
            basis = f"assumption: {row['basis']}"
        resolved.append({**row, "value": value, "basis": basis})
    return pl.DataFrame(resolved, schema=PARAMETERS_SCHEMA)


def _as_of(con: duckdb.DuckDBPyConnection, run_id: str) -> dt.date | None:
    rows = con.execute("select as_of from forecast.runs where run_id = ?", [run_id]).fetchall()
    return rows[0][0] if rows else None


def _one(frame: pl.DataFrame, column: str, what: str) -> float:
    if frame.height == 0:
        raise _Missing(f"no row for {what}")
    value = frame[column][0]
    if value is None or not math.isfinite(float(value)):
        raise _Missing(f"{column} is null for {what}")
    return float(value)


def _growth_rate(con: duckdb.DuckDBPyConnection, run: _Run, ref: Reference) -> Resolved:
    target, series_id = ref.keys
    frame = con.sql(
        "select * from forecast.growth_rates where run_id = ? and target = ? and series_id = ?",
        params=[run.run_id, target, series_id],
    ).pl()
    what = f"forecast.growth_rates target={target!r} series_id={series_id!r} in run {run.run_id}"
    value = _one(frame, ref.column, what)
    row = frame.row(0, named=True)
    return Resolved(value, f"forecast.growth_rates, n={row['n']}, {row['start_date']}..{row['end_date']}")


def _forecast_value(con: duckdb.DuckDBPyConnection, run: _Run, ref: Reference) -> Resolved:
    target, series_id, period = ref.keys
    frame = con.sql(
        "select * from forecast.values where run_id = ? and target = ? and series_id = ? order by ds",
        params=[run.run_id, target, series_id],
    ).pl()
    what = f"forecast.values target={target!r} series_id={series_id!r} in run {run.run_id}"
    if frame.height == 0:
        raise _Missing(f"no row for {what}")
    horizon = f"the run's forecasts cover {frame['ds'].min()}..{frame['ds'].max()}"
    if len(period) == 4 and period.isdigit():
        in_year = frame.filter(pl.col("ds").dt.year() == int(period))
        if in_year.height == 0:
            raise _Missing(f"no {period} row for {what}; {horizon}")
        chosen = in_year.tail(1)
    else:
        try:
            day = dt.date.fromisoformat(period)
        except ValueError:
            raise ParameterFileError(f"period must be YYYY or YYYY-MM-DD in {ref.text}") from None
        chosen = frame.filter(pl.col("ds") == day)
        if chosen.height == 0:
            raise _Missing(f"no ds={day} row for {what}; {horizon}")
    value = _one(chosen, ref.column, what)
    row = chosen.row(0, named=True)
    return Resolved(value, f"forecast.values ds={row['ds']}, model {row['model']}, unit {row['unit']}")


def _token_multiplier(con: duckdb.DuckDBPyConnection, run: _Run, ref: Reference) -> Resolved:
    (task,) = ref.keys
    frame = con.sql(
        "select * from forecast.token_multiplier where run_id = ? and task = ?", params=[run.run_id, task]
    ).pl()
    value = _one(frame, ref.column, f"forecast.token_multiplier task={task!r} in run {run.run_id}")
    row = frame.row(0, named=True)
    return Resolved(
        value,
        f"forecast.token_multiplier, {row['n_reasoning_models']} reasoning vs {row['n_other_models']} other models",
    )


def _hardware(con: duckdb.DuckDBPyConnection, run: _Run, ref: Reference) -> Resolved:
    (chip,) = ref.keys
    frame = con.sql("select * from staging.hardware_specs where chip = ?", params=[chip]).pl()
    value = _one(frame, ref.column, f"staging.hardware_specs chip={chip!r}")
    return Resolved(value, f"staging.hardware_specs; {frame['provenance'][0]}")


def base_year_token_demand(demand: pl.DataFrame, year: int, as_of: dt.date | None = None) -> pl.DataFrame:
    """Per company, the figure counted in the base-year total (see the module doc).

    Columns: company, product, observed_on, tokens_per_day.
    """
    reports = demand.filter(pl.col("observed_on").dt.year() == year)
    if as_of is not None:
        reports = reports.filter(pl.col("observed_on") <= as_of)
    latest_per_product = reports.sort("observed_on", "observation_id").group_by("company", "product").last()
    return (
        latest_per_product.sort("tokens_per_day", "observed_on", "product", descending=[True, True, False])
        .group_by("company", maintain_order=True)
        .first()
        .select("company", "product", "observed_on", "tokens_per_day")
        .sort("company")
    )


def decimal_year(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    return day.year + (day - start).days / (dt.date(day.year + 1, 1, 1) - start).days


def _token_demand_total(con: duckdb.DuckDBPyConnection, run: _Run, ref: Reference) -> Resolved:
    (year_text,) = ref.keys
    if not (len(year_text) == 4 and year_text.isdigit()):
        raise ParameterFileError(f"token_demand_total takes a year: {ref.text}")
    counted = base_year_token_demand(con.sql("select * from marts.token_demand").pl(), int(year_text), run.as_of)
    if counted.height == 0:
        raise _Missing(f"marts.token_demand has no report dated in {year_text} (on or before {run.as_of})")
    listing = "; ".join(
        f"{r['company']} {r['tokens_per_day']:.3g} ({r['product']}, {r['observed_on']})"
        for r in counted.iter_rows(named=True)
    )
    if ref.column == "tokens_per_day":
        value = float(counted["tokens_per_day"].sum())
    else:
        value = decimal_year(counted["observed_on"].max())  # type: ignore[arg-type]
    return Resolved(value, f"marts.token_demand, largest latest {year_text} figure per company: {listing}")


def _reasoning_adoption(con: duckdb.DuckDBPyConnection, run: _Run, ref: Reference) -> Resolved:
    organization, year_text = ref.keys
    if not (len(year_text) == 4 and year_text.isdigit()):
        raise ParameterFileError(f"reasoning_adoption takes <organization>/<year>: {ref.text}")
    frame = con.sql(
        "select * from marts.reasoning_adoption where period_type = 'quarter' and organization = ? "
        "and year(period) = ?",
        params=[organization, int(year_text)],
    ).pl()
    if run.as_of is not None:
        frame = frame.filter(pl.col("period") <= run.as_of)
    known, reasoning, unknown = (int(frame[c].sum()) for c in ("n_flag_known", "n_reasoning", "n_unknown"))
    what = f"marts.reasoning_adoption organization={organization!r} in {year_text}"
    if known + unknown == 0 or (ref.column == "share" and known == 0):
        raise _Missing(f"no release with a known reasoning flag for {what}")
    value = {
        "share": reasoning / known if known else math.nan,
        "share_min": reasoning / (known + unknown),
        "share_max": (reasoning + unknown) / (known + unknown),
    }[ref.column]
    detail = f"{what}: {reasoning} reasoning of {known} releases with a known flag, {unknown} unknown"
    return Resolved(value, detail)


_Resolver = Callable[[duckdb.DuckDBPyConnection, _Run, Reference], Resolved]

_RESOLVERS: dict[str, _Resolver] = {
    "growth_rates": _growth_rate,
    "values": _forecast_value,
    "token_multiplier": _token_multiplier,
    "hardware": _hardware,
    "token_demand_total": _token_demand_total,
    "reasoning_adoption": _reasoning_adoption,
}

_HARDWARE_COLUMNS = (
    "release_price_usd",
    "fp64_flop_per_s",
    "fp32_flop_per_s",
    "fp16_flop_per_s",
    "tf32_flop_per_s",
    "tensor_fp16_bf16_flop_per_s",
    "int8_op_per_s",
    "fp8_flop_per_s",
    "fp4_flop_per_s",
    "memory_bytes",
    "memory_bandwidth_bytes_per_s",
    "tdp_w",
)

# source -> (number of keys, allowed columns); columns are checked because they name SQL columns.
_SHAPES: dict[str, tuple[int, tuple[str, ...]]] = {
    "growth_rates": (2, ("factor_per_year", "ci90_low", "ci90_high", "anchor_factor_per_year")),
    "values": (3, ("median", "lo_80", "hi_80", "lo_95", "hi_95")),
    "token_multiplier": (
        1,
        (
            "multiplier",
            "ci90_low",
            "ci90_high",
            "reasoning_output_tokens_per_sample",
            "other_output_tokens_per_sample",
        ),
    ),
    "hardware": (1, _HARDWARE_COLUMNS),
    "token_demand_total": (1, ("tokens_per_day", "latest_report_decimal_year")),
    "reasoning_adoption": (2, ("share", "share_min", "share_max")),
}


# --- the arithmetic --------------------------------------------------------------------------


def token_mix_multiplier(share: float, base_share: float, multiplier: float) -> float:
    """Tokens per request relative to the base year when the reasoning share moves from s0 to s."""
    return (1.0 - share + share * multiplier) / (1.0 - base_share + base_share * multiplier)


def capacity_consistency(utilization: float) -> dict[str, object]:
    """The marking of one scenario year (module doc: capacity_consistent)."""
    if utilization <= 1.0:
        return {"capacity_consistent": True, "consistency_note": None}
    return {
        "capacity_consistent": False,
        "consistency_note": f"inconsistent: demand would need {utilization:.1f}x the inference capacity; "
        "not a forecast (demand must grow slower or capacity faster)",
    }


def demand_scenarios(parameters: pl.DataFrame, years: Sequence[int] = SCENARIO_YEARS) -> pl.DataFrame:
    """SCENARIOS_SCHEMA rows, one per scenario (in the order they appear) and year (module doc)."""
    values: dict[tuple[str, str], float] = {
        (row["scenario"], row["parameter"]): float(row["value"]) for row in parameters.iter_rows(named=True)
    }
    scenarios = list(dict.fromkeys(parameters["scenario"].to_list()))
    rows = []
    for scenario in scenarios:

        def get(name: str, year: int | None = None, scenario: str = scenario) -> float:
            key = name.replace(YEAR_PLACEHOLDER, str(year)) if year is not None else name
            if (scenario, key) not in values:
                raise ValueError(f"scenario {scenario!r} lacks parameter {key!r}")
            value = values[(scenario, key)]
            if not math.isfinite(value):
                raise ValueError(f"scenario {scenario!r}: parameter {key!r} is not a finite number")
            if name in SHARE_PARAMETERS and not 0.0 <= value <= 1.0:
                raise ValueError(f"scenario {scenario!r}: {key} must be a share in [0, 1], got {value}")
            if name not in SHARE_PARAMETERS and name != "latest_report_decimal_year" and value <= 0:
                raise ValueError(f"scenario {scenario!r}: {key} must be positive, got {value}")
            return value

        base_tokens = get("base_tokens_per_day")
        base_date = get("latest_report_decimal_year")
        growth = get("token_growth_factor_per_year")
        base_share = get("base_reasoning_share")
        multiplier = get("token_multiplier")
        flop_per_token = get("flop_per_active_parameter") * get("active_parameters")
        peak = get("h100_peak_flop_per_s")
        inference_share = get("inference_share_of_compute")
        for year in years:
            years_ahead = (year + 1) - base_date
            tokens = base_tokens * growth**years_ahead
            share = get("reasoning_share_{year}", year)
            mix = token_mix_multiplier(share, base_share, multiplier)
            demand = tokens * mix * flop_per_token / SECONDS_PER_DAY
            installed = get("installed_h100e_{year}", year)
            capacity = installed * peak * inference_share
            rows.append(
                {
                    "scenario": scenario,
                    "year": year,
                    "tokens_per_day": tokens,
                    "reasoning_share": share,
                    "token_mix_multiplier": mix,
                    "inference_flop_per_s": demand,
                    "installed_h100e": installed,
                    "inference_capacity_flop_per_s": capacity,
                    "implied_utilization": demand / capacity,
                    **capacity_consistency(demand / capacity),
                }
            )
    return pl.DataFrame(rows, schema=SCENARIOS_SCHEMA)
