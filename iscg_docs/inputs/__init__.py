"""Inputs: reading TOML, JSON and Excel files into records."""
