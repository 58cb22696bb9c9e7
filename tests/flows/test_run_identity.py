"""A forecast run is reused only for the same data, tiers, rules and method source."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import flows.stages as stages
from transforms.tiers import DEFAULT_TIERS_FILE

AS_OF = dt.date(2026, 6, 30)
VINTAGE = [{"sha256": "ab" * 32}]


def test_the_method_fingerprint_covers_the_model_source(tmp_path, monkeypatch) -> None:
    same = stages.run_id_for(AS_OF, VINTAGE, DEFAULT_TIERS_FILE)
    assert same == stages.run_id_for(AS_OF, VINTAGE, DEFAULT_TIERS_FILE)
    # A copy of the packages with one model edited must give another fingerprint and run id.
    root = Path(stages.__file__).resolve().parent.parent
    for package in stages.METHOD_PACKAGES:
        shutil.copytree(root / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "flows").mkdir()
    monkeypatch.setattr(stages, "__file__", str(tmp_path / "flows" / "stages.py"))
    stages.method_fingerprint.cache_clear()
    try:
        copied = stages.method_fingerprint()
        assert stages.run_id_for(AS_OF, VINTAGE, DEFAULT_TIERS_FILE) == same
        drift = tmp_path / "forecasts" / "drift.py"
        drift.write_text(drift.read_text() + "\n# an edit\n")
        stages.method_fingerprint.cache_clear()
        assert stages.method_fingerprint() != copied
        assert stages.run_id_for(AS_OF, VINTAGE, DEFAULT_TIERS_FILE) != same
    finally:
        stages.method_fingerprint.cache_clear()
