"""Benchmarks for the Vital 5 Check kiosk (issue #2): ``python -m bench``.

Each benchmark runs a subject and a baseline side by side on the same
machine in the same run, interleaved round by round, and reports medians,
their ratio and the spread over rounds. Figures live in docs/benchmarks.md.
"""
