"""Hostile inputs, workbooks and templates, each run through the command line."""
