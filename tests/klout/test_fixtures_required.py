"""A test that needs the recorded fixtures skips on a machine without them, and fails in CI."""

from __future__ import annotations

import pytest

from tests import conftest


def test_in_ci_a_missing_fixture_fails(monkeypatch):
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="required in CI: samples missing"):
        conftest.require(False, "samples missing")


def test_elsewhere_a_missing_fixture_skips(monkeypatch):
    monkeypatch.setattr(conftest, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception):
        conftest.require(False, "samples missing")


def test_no_test_skips_on_its_own_when_a_fixture_is_missing():
    """Every check for recorded data goes through ``require``, which fails in CI."""
    root = conftest.ROOT / "tests"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("test_*.py")
        if "pytest.skip(" in path.read_text() and path.name != "test_fixtures_required.py"
    ]
    assert offenders == []
