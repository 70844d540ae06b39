"""Shared fixtures: the Saône-et-Loire example, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from iscg_docs.loading import load
from iscg_docs.records import Framework

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "saone-et-loire.toml"


@pytest.fixture(scope="session")
def framework() -> Framework:
    """The Saône-et-Loire framework and its three conventions."""
    return load(EXAMPLE)
