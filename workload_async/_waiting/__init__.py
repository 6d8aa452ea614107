"""Waits: one batched status poller per client serving every wait, its schedule and status-only
reading, what waits report (telemetry), and bulk calls.
"""
