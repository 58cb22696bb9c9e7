"""Validation of parsed frames against their contracts, splitting good rows from bad.

Returns the rows that pass and one quarantine record per failed check of a row. A failure
that concerns the whole frame (a missing column, a wrong type) is structural: the batch
cannot be loaded at all, and `StructuralError` says why.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from sources.errors import StructuralError

QUARANTINE_COLUMNS: dict[str, pl.DataType] = {
    "staging_table": pl.String(),
    "source_row": pl.Int64(),
    "column_name": pl.String(),
    "check_name": pl.String(),
    "offending_value": pl.String(),
    "raw_row": pl.String(),
}

DATE_COLUMNS_NOT_AFTER_FETCH = ("observed_on", "released_on")
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
