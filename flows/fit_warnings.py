"""Model-fitting warnings (numpy's divide by zero, statsmodels' PerfectSeparationWarning, ...)
collected during a command and reported as one summary line instead of raw tracebacks-like text
in the middle of the progress output. The fits already handle the cases that warn (fallbacks
are recorded in forecast.fallbacks); the summary says how many warned and of which kind."""

from __future__ import annotations

import contextlib
import warnings
from collections import Counter
from collections.abc import Iterator


@contextlib.contextmanager
def collected_warnings() -> Iterator[list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def summary_line(caught: list[warnings.WarningMessage]) -> str | None:
    """'model fitting raised 12 warnings: 9 RuntimeWarning (divide by zero encountered in log), ...'."""
    if not caught:
        return None
    kinds = Counter((w.category.__name__, str(w.message).splitlines()[0][:80]) for w in caught)
    parts = [f"{count} {name} ({message})" for (name, message), count in kinds.most_common(3)]
    more = len(kinds) - 3
    tail = f", and {more} other kind(s)" if more > 0 else ""
    return (
        f"model fitting raised {len(caught)} warning(s): {'; '.join(parts)}{tail}. Fits that failed were "
        "replaced and are listed in forecast.fallbacks; run with --debug to see each warning."
    )
