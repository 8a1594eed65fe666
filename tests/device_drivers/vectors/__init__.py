"""Captured and synthetic device frames, one module per protocol."""
