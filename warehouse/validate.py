"""Validation of parsed frames against their contracts, splitting good rows from bad.

Returns the rows that pass and one quarantine record per failed check of a row. A failure
that concerns the whole frame (a missing column, a wrong type) is structural: the batch
cannot be loaded at all, and `StructuralError` says why.

Most frames pass every check, and pandera's fixed cost per check (a query per check, and
more to collect failure cases) dominates validation of a few thousand rows. So the
contract's own checks are first evaluated together in one polars pass (`_passing_rows`);
only a frame in which some row fails, or whose contract uses a feature that pass does not
cover, goes through pandera, which then finds and names the failures exactly as before.
The pass can only send a frame to pandera that pandera would accept, never accept one
pandera would fail: a frame it calls clean has no failures either way.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandera.polars as pa
import polars as pl

from sources.errors import FeedError, StructuralError

QUARANTINE_COLUMNS: dict[str, pl.DataType] = {
    "staging_table": pl.String(),
    "source_row": pl.Int64(),
    "column_name": pl.String(),
    "check_name": pl.String(),
    "offending_value": pl.String(),
    "raw_row": pl.String(),
}

# Dates a row states as facts: none can be after the day its payload was fetched. A quarter
# that has begun may still be in progress (its end is later), but one that starts after the
# fetch, or an estimate "generated on" a later day, is future-dated and held back.
DATE_COLUMNS_NOT_AFTER_FETCH = ("observed_on", "released_on", "period_start", "estimate_vintage")
# Where a row came from, not what it says: ignored when deciding that two rows are the same.
ROW_LOCATION_COLUMNS = ("source_row", "provenance")


@dataclass(frozen=True)
class Validated:
    good: pl.DataFrame
    quarantine: pl.DataFrame
    rows_in: int
    duplicates: int


def validate_frame(
    frame: pl.DataFrame,
    contract: type[pa.DataFrameModel],
    table: str,
    fetched_on: dt.date,
) -> Validated:
    payload_columns = [c for c in frame.columns if c not in ROW_LOCATION_COLUMNS]
    deduplicated = frame.unique(subset=payload_columns, keep="first", maintain_order=True)
    passing = _passing_rows(deduplicated, contract, pl.lit(fetched_on, pl.Date), None)
    if passing is not None and passing.all():
        return _clean(frame, deduplicated)
    return _validate_with_pandera(frame, contract, table, fetched_on)


_PART = "_validate_part"
_FETCHED_ON = "_validate_fetched_on"


def validate_frames(
    frames: Sequence[pl.DataFrame],
    contract: type[pa.DataFrameModel],
    table: str,
    fetched_on: Sequence[dt.date],
    sources: Sequence[str] | None = None,
) -> list[Validated]:
    """`validate_frame` of each frame (one payload each), with the checks run once over all of them.

    The results are those of validating each frame on its own: repeats and key uniqueness
    are judged within a frame, dates against that frame's fetch date, and a frame with a
    failing row goes through pandera alone. A structural failure names the frame's source,
    when given.
    """
    checked: list[Validated | None] = [None] * len(frames)
    pandera_only: set[int] = set()
    if len(frames) > 1:
        try:
            combined = pl.concat(frames)
        except pl.exceptions.PolarsError:
            combined = None  # frames of differing schemas: each is validated on its own below
        if combined is not None:
            part = pl.Series(_PART, np.repeat(np.arange(len(frames), dtype=np.uint32), [f.height for f in frames]))
            day = pl.Series(_FETCHED_ON, fetched_on, pl.Date).gather(part)
            combined = combined.with_columns(part, day)
            payload_columns = [c for c in combined.columns if c not in ROW_LOCATION_COLUMNS and c != _FETCHED_ON]
            deduplicated = combined.unique(subset=payload_columns, keep="first", maintain_order=True)
            passing = _passing_rows(deduplicated, contract, pl.col(_FETCHED_ON), _PART)
            if passing is not None:
                pandera_only = set(deduplicated.filter(~passing)[_PART].unique().to_list())
                parts = deduplicated.drop(_FETCHED_ON).partition_by(
                    _PART, as_dict=True, maintain_order=True, include_key=False
                )
                for i, frame in enumerate(frames):
                    if i not in pandera_only:
                        checked[i] = _clean(frame, parts.get((i,), frame.clear()))
    for i, frame in enumerate(frames):
        if checked[i] is not None:
            continue
        try:
            if i in pandera_only:
                checked[i] = _validate_with_pandera(frame, contract, table, fetched_on[i])
            else:
                checked[i] = validate_frame(frame, contract, table, fetched_on[i])
        except FeedError as error:
            if sources is not None:
                error.with_context(source=sources[i])
            raise
    return [result for result in checked if result is not None]


def _clean(frame: pl.DataFrame, deduplicated: pl.DataFrame) -> Validated:
    return Validated(
        good=deduplicated,
        quarantine=pl.DataFrame(schema=QUARANTINE_COLUMNS),
        rows_in=frame.height,
        duplicates=frame.height - deduplicated.height,
    )


def _validate_with_pandera(
    frame: pl.DataFrame,
    contract: type[pa.DataFrameModel],
    table: str,
    fetched_on: dt.date,
) -> Validated:
    rows_in = frame.height
    # Exact repeats of a row add nothing; only conflicting rows for one key are errors. Parsers
    # cite the source row in `provenance`, so a repeated line differs only there: it is compared
    # without it, and the first occurrence (and its provenance) is kept.
    payload_columns = [c for c in frame.columns if c not in ROW_LOCATION_COLUMNS]
    frame = frame.unique(subset=payload_columns, keep="first", maintain_order=True)
    duplicates = rows_in - frame.height
    frame = frame.with_row_index("_row_index")
    failures = _contract_failures(frame, contract, table)
    failures = pl.concat([failures, _future_date_failures(frame, fetched_on)])
    bad_index = failures["_row_index"].unique()
    good = frame.filter(~pl.col("_row_index").is_in(bad_index.implode())).drop("_row_index")
    quarantine = _quarantine_records(frame, failures, table)
    return Validated(good=good, quarantine=quarantine, rows_in=rows_in, duplicates=duplicates)


# pandera's built-in checks that judge each value on its own: over several frames at once they
# give what they give over each frame. Any other check (a contract's own dataframe checks, or
# a built-in that looks at the whole column) is run on each frame separately.
_ROW_LOCAL_BUILTINS = frozenset(
    {
        "equal_to",
        "not_equal_to",
        "greater_than",
        "greater_than_or_equal_to",
        "less_than",
        "less_than_or_equal_to",
        "in_range",
        "isin",
        "notin",
        "str_matches",
        "str_contains",
        "str_startswith",
        "str_endswith",
        "str_length",
    }
)


@functools.cache
def _covered_schema(contract: type[pa.DataFrameModel]) -> Any:
    """The contract's pandera schema if `_passing_rows` can evaluate all of it, else None."""
    from pandera.config import CONFIG

    if CONFIG.use_narwhals_backend:
        return None  # another backend, whose check semantics the pass does not mirror
    schema = contract.to_schema()
    if (
        schema.strict
        or schema.coerce
        or schema.ordered
        or schema.add_missing_columns
        or schema.drop_invalid_rows
        or schema.parsers
    ):
        return None
    for column in schema.columns.values():
        if column.regex or column.coerce or column.default is not None or column.parsers or column.dtype is None:
            return None
    checks = [c for column in schema.columns.values() for c in column.checks] + list(schema.checks)
    if any(c.element_wise or c.groupby is not None for c in checks):
        return None
    # pandera registers its polars check implementations when it first validates; the pass
    # calls those same implementations.
    import pandera.backends.polars.builtin_checks  # noqa: F401

    return schema


def _builtin_name(check: Any) -> str | None:
    """The name of the built-in check pandera runs for `check` (as `Check.__call__` resolves it)."""
    name = getattr(check._check_fn, "__name__", None)
    return name if name is not None and type(check).is_builtin_check(name) else None


def _run_check(check: Any, data: pl.LazyFrame, key: str) -> Any:
    """The check's raw answer on `data`, from the same function pandera would call."""
    from pandera.api.polars.types import PolarsData

    name = _builtin_name(check)
    function = type(check).get_builtin_check_fn(name) if name is not None else check._check_fn
    return function(PolarsData(data, key), **check._check_kwargs)


def _row_local(check: Any) -> bool:
    return _builtin_name(check) in _ROW_LOCAL_BUILTINS


class _SelectRecorder:
    """Stands in for the LazyFrame a built-in check selects from, to keep its expression."""

    def __init__(self) -> None:
        self.selected: tuple[Any, ...] = ()

    def select(self, *exprs: Any, **named: Any) -> _SelectRecorder:
        self.selected = (*exprs, *named.values())
        return self


def _row_local_expression(check: Any, key: str) -> pl.Expr | None:
    """The polars expression a row-local built-in check selects (None if it does something else).

    Every built-in in `_ROW_LOCAL_BUILTINS` is `data.lazyframe.select(<one expression>)`; taking
    that expression lets all of a contract's checks run in a single select.
    """
    recorder = _SelectRecorder()
    if _run_check(check, recorder, key) is not recorder:  # type: ignore[arg-type]
        return None
    if len(recorder.selected) != 1 or not isinstance(recorder.selected[0], pl.Expr):
        return None
    return recorder.selected[0]


def _passing_rows(
    frame: pl.DataFrame, contract: type[pa.DataFrameModel], fetched_on: pl.Expr, part: str | None
) -> pl.Series | None:
    """Whether each row passes every check pandera and `_future_date_failures` would run.

    None when the frame or its contract is outside what this pass covers (pandera decides
    then). Each check is pandera's own implementation with pandera's handling of its output
    (an output of null passes when the check ignores missing values, as built-in checks do);
    nullability treats NaN as null in float columns, as pandera does. With `part` (a column
    numbering the frames of a concatenation, in row order), uniqueness and every check that
    is not row-local are judged within each frame.
    """
    schema = _covered_schema(contract)
    if schema is None:
        return None
    lazy = frame.lazy()
    grouping = [part] if part else []
    row_checks: list[pl.Expr] = [pl.repeat(True, pl.len(), dtype=pl.Boolean)]
    outputs: list[tuple[pl.LazyFrame, Any]] = []
    per_frame: list[tuple[Any, str]] = []
    for name, column in schema.columns.items():
        dtype = frame.schema.get(name)
        if dtype is None or dtype != column.dtype.type:
            return None  # missing or mistyped: a structural failure, which pandera reports
        if not column.nullable:
            present = pl.col(name).is_not_null()
            row_checks.append(present & pl.col(name).is_not_nan() if dtype.is_float() else present)
        if column.unique:
            row_checks.append(~pl.struct(name, *grouping).is_duplicated())
        for check in column.checks:
            per_frame.append((check, name))
    per_frame.extend((check, "*") for check in schema.checks)
    if schema.unique:
        subsets = [schema.unique] if all(isinstance(x, str) for x in schema.unique) else schema.unique
        for subset in subsets:
            row_checks.append(~pl.struct(*[c for c in subset if c in frame.columns], *grouping).is_duplicated())
    for column_name in DATE_COLUMNS_NOT_AFTER_FETCH:
        if column_name in frame.columns:
            row_checks.append(~(pl.col(column_name) > fetched_on).fill_null(False))
    try:
        separately = []
        for check, key in per_frame:
            expression = _row_local_expression(check, key) if _row_local(check) else None
            if expression is not None:
                # As pandera reads a check's answer: null passes when the check ignores missing values.
                row_checks.append(expression | expression.is_null() if check.ignore_na else expression.fill_null(False))
            elif part is None or _row_local(check):
                outputs.append((_run_check(check, lazy, key), check))
            else:
                separately.append((check, key))
        if part is not None and separately:
            frames = frame.partition_by(part, maintain_order=True) if frame.height else [frame]
            for check, key in separately:
                answers = [_run_check(check, f.lazy(), key) for f in frames]
                if any(isinstance(answer, bool) for answer in answers):
                    if not all(answer is True for answer in answers):
                        return None
                    continue
                outputs.append((pl.concat(answers), check))
        selected = [lazy.select(pl.all_horizontal(*row_checks).alias("_rows"))]
        for index, (output, check) in enumerate(outputs):
            if isinstance(output, bool):
                if not output:
                    return None
                continue
            names = output.collect_schema().names()
            if len(names) != 1:
                return None  # a check answering in several columns: left to pandera
            result = pl.col(names[0])
            passed = result | result.is_null() if check.ignore_na else result.fill_null(False)
            selected.append(output.select(passed.alias(f"_check{index}")))
        combined = pl.concat(selected, how="horizontal")
        if any(dtype != pl.Boolean for dtype in combined.collect_schema().dtypes()):
            return None  # a check that does not answer true or false: left to pandera
        checked = combined.select(pl.all_horizontal(pl.all()).fill_null(False)).collect().to_series()
    except Exception:  # a check that cannot run here is reported by pandera, which runs it next
        return None
    if checked.len() != frame.height:
        return None  # a check that aggregates or does not answer per row: left to pandera
    return checked


_FAILURE_SCHEMA: dict[str, pl.DataType] = {
    "_row_index": pl.UInt32(),
    "column_name": pl.String(),
    "check_name": pl.String(),
    "offending_value": pl.String(),
}


def _contract_failures(frame: pl.DataFrame, contract: type[pa.DataFrameModel], table: str) -> pl.DataFrame:
    try:
        contract.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        frame_level = cases.filter(pl.col("index").is_null())
        if frame_level.height:
            reasons = "; ".join(f"{row['check']} ({row['failure_case']})" for row in frame_level.head(5).to_dicts())
            raise StructuralError(f"{table} does not match its contract: {reasons}") from errors
        return cases.select(
            pl.col("index").cast(pl.UInt32).alias("_row_index"),
            pl.when(pl.col("schema_context") == "Column")
            .then(pl.col("column"))
            .otherwise(pl.lit(None, pl.String))
            .alias("column_name"),
            pl.col("check").alias("check_name"),
            pl.when(pl.col("schema_context") == "Column")
            .then(pl.col("failure_case"))
            .otherwise(pl.lit(None, pl.String))
            .alias("offending_value"),
        )
    return pl.DataFrame(schema=_FAILURE_SCHEMA)


def _future_date_failures(frame: pl.DataFrame, fetched_on: dt.date) -> pl.DataFrame:
    parts = []
    for column in DATE_COLUMNS_NOT_AFTER_FETCH:
        if column not in frame.columns:
            continue
        late = frame.filter(pl.col(column) > fetched_on)
        parts.append(
            late.select(
                pl.col("_row_index"),
                pl.lit(column).alias("column_name"),
                pl.lit(f"not_after_fetch_date({fetched_on.isoformat()})").alias("check_name"),
                pl.col(column).cast(pl.String).alias("offending_value"),
            )
        )
    if not parts:
        return pl.DataFrame(schema=_FAILURE_SCHEMA)
    return pl.concat(parts)


def _quarantine_records(frame: pl.DataFrame, failures: pl.DataFrame, table: str) -> pl.DataFrame:
    if failures.height == 0:
        return pl.DataFrame(schema=QUARANTINE_COLUMNS)
    rows = frame.filter(pl.col("_row_index").is_in(failures["_row_index"].unique().implode()))
    raw_by_index = {row["_row_index"]: row for row in rows.to_dicts()}
    records = []
    for failure in failures.sort("_row_index").to_dicts():
        raw = dict(raw_by_index[failure["_row_index"]])
        raw.pop("_row_index")
        records.append(
            {
                "staging_table": table,
                "source_row": raw.get("source_row"),
                "column_name": failure["column_name"],
                "check_name": failure["check_name"],
                "offending_value": failure["offending_value"],
                "raw_row": json.dumps(raw, default=str),
            }
        )
    return pl.DataFrame(records, schema=QUARANTINE_COLUMNS)
