"""Investor reports and exports built from marts.* and forecast.*."""
