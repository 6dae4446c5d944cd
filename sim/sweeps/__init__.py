"""Sweeps: many runs from one command (Hydra multirun), resumable, with one table of runs per sweep folder."""
