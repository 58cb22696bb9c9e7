"""Prefect flows, deployments and the `infercast` command line.

Nothing here imports Prefect at package import time, so read-only commands stay fast.
"""
