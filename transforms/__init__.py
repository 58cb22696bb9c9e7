"""Pure polars transforms from staging frames to mart frames."""
