"""Forecast models, decline-rate estimation and forecast runs."""
