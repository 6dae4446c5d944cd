"""Evidence: observed data, validation against it, calibration, sensitivity analysis and forecasts."""
