"""The DuckDB warehouse: migrations, payload archive, validated loads, publishing."""
