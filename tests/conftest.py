"""Shared fixtures: the Saône-et-Loire example, as a file, as data and as records."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from iscg_docs.inputs.loading import load
from iscg_docs.model.records import Framework

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "saone-et-loire.toml"


@pytest.fixture(scope="session")
def example_path() -> Path:
    """The bundled example file."""
    return EXAMPLE


@pytest.fixture(scope="session")
def _example_data() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE.read_text("utf-8"))


@pytest.fixture
def example_data(_example_data: dict[str, Any]) -> dict[str, Any]:
    """The example as plain data, a fresh copy each test may change."""
    return copy.deepcopy(_example_data)


@pytest.fixture(scope="session")
def framework() -> Framework:
    """The example as validated records."""
    return load(EXAMPLE)
