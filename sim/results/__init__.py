"""The results layer: what every tool that reads runs shares (outcomes, run and sweep folders, statistics)."""
