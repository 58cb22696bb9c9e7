"""The project's own error types for bad input.

Every parser raises `FeedError` (or a subclass) for input it cannot use, naming the
feed, the file or URL, and where possible the row and field, so a user can fix it.
"""

from __future__ import annotations


class FeedError(Exception):
    """Input for a feed could not be used."""

    def __init__(
        self,
        message: str,
        *,
        feed: str | None = None,
        source: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.feed = feed
        self.source = source
        self.row = row
        self.field = field
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.feed:
            where.append(f"feed {self.feed}")
        if self.source:
            where.append(str(self.source))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def with_context(self, *, feed: str | None = None, source: str | None = None) -> FeedError:
        """Fill in feed and source when a lower layer did not know them."""
        self.feed = self.feed or feed
        self.source = self.source or source
        self.args = (self.describe(),)
        return self


class StructuralError(FeedError):
    """The payload as a whole is unusable: empty, truncated, wrong format or wrong feed."""
