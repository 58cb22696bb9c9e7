"""Regenerate the bundled snapshot from a folder of public downloads.

    python -m sources.build_snapshot ../shared/reference

The folder is laid out like `shared/reference/` (token_prices/, model_releases/, chips/).
Each file is parsed with the same parser a live or `--file` load uses, then written in
the canonical schema, so the snapshot holds facts with provenance, not copies of files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

from sources import epoch_prices
from sources.registry import FEEDS
from sources.snapshot import write_canonical

EPOCH_PRICE_FILES = (
    "token_prices/epoch_api_prices_full_view_2025-02-05.csv",
    "token_prices/epoch_aa_price_benchmarks_2025-03.csv",
    "token_prices/epoch_price_benchmarks_not_in_aa_2025-03.csv",
)


def build_epoch_prices(reference_dir: Path) -> dict[str, int]:
    frames: dict[str, list[pl.DataFrame]] = {}
    for relative in EPOCH_PRICE_FILES:
        path = reference_dir / relative
        parsed = epoch_prices.parse(path.read_bytes(), path.name)
        for table, frame in parsed.items():
            frames.setdefault(table, []).append(frame)
    counts = {}
    for table, parts in frames.items():
        combined = pl.concat(parts).sort(["source", "model", "observed_on", "source_row"])
        write_canonical(combined, table, FEEDS["epoch_prices"].snapshot_dir / f"{table}.csv")
        counts[table] = combined.height
    return counts


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    reference_dir = Path(argv[0])
    counts = build_epoch_prices(reference_dir)
    for table, rows in counts.items():
        print(f"epoch_prices/{table}.csv: {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
