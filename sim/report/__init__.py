"""Scenario reports for policy advisers (HTML and PDF) from a sweep folder: ``python -m sim.report SWEEP_DIR``."""
