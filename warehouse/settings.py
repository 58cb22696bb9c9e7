"""Where infercast keeps its state. Everything lives under one home directory.

`--home DIR` or `INFERCAST_HOME` (default `./data`) holds:

    work/infercast.duckdb       the working database (one writer: the pipeline)
    work/writer.lock            who is writing now (pid, started at)
    published/infercast.duckdb  the read-only copy analysts, `sql` and `status` open
    archive/<feed>/...          every payload, gzip, content-addressed by sha256
    prefect/                    the project-local Prefect home
    exports/                    reports and exports
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path("data")


@dataclass(frozen=True)
class Settings:
    home: Path

    @classmethod
    def from_env(cls, home: Path | str | None = None) -> Settings:
        chosen = home or os.environ.get("INFERCAST_HOME") or DEFAULT_HOME
        return cls(home=Path(chosen).expanduser().absolute())

    @property
    def work_dir(self) -> Path:
        return self.home / "work"

    @property
    def work_db(self) -> Path:
        return self.work_dir / "infercast.duckdb"

    @property
    def lock_path(self) -> Path:
        return self.work_dir / "writer.lock"

    @property
    def published_db(self) -> Path:
        return self.home / "published" / "infercast.duckdb"

    @property
    def archive_dir(self) -> Path:
        return self.home / "archive"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"

    @property
    def exports_dir(self) -> Path:
        return self.home / "exports"

    def ensure(self) -> None:
        for directory in (
            self.work_dir,
            self.published_db.parent,
            self.archive_dir,
            self.exports_dir,
        ):
            directory.mkdir(parents=True, exist_ok=True)
