"""The registry holds the plan's 24 criteria in plan order, and each has a test tied to it."""

import importlib

import pytest

from fixtures import criteria
from tests.ours import REPO_ROOT


def test_all_criteria_in_plan_order() -> None:
    ids = [c.id for c in criteria.CRITERIA]
    expected = (
        [f"C-{n:02d}" for n in range(1, 15)] + [f"S-{n:02d}" for n in range(1, 8)] + [f"N-{n:02d}" for n in range(1, 4)]
    )
    assert ids == expected


def test_tiers() -> None:
    tiers = {tier: [c.id for c in criteria.CRITERIA if c.tier == tier] for tier in ("mvp", "should", "nice")}
    assert len(tiers["mvp"]) == 14 and all(i.startswith("C-") for i in tiers["mvp"])
    assert len(tiers["should"]) == 7 and all(i.startswith("S-") for i in tiers["should"])
    assert len(tiers["nice"]) == 3 and all(i.startswith("N-") for i in tiers["nice"])


def _tied_criteria() -> dict[str, list[str]]:
    """Criterion id -> the tests tied to it (`@pytest.mark.criterion(...)`) in tests/acceptance and
    tests/phases, read from the modules themselves."""
    tied: dict[str, list[str]] = {}
    for path in sorted(
        [*(REPO_ROOT / "tests" / "acceptance").glob("test_*.py"), *(REPO_ROOT / "tests" / "phases").glob("test_*.py")]
    ):
        module = importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
        for name, function in vars(module).items():
            if not name.startswith("test_"):
                continue
            for mark in getattr(function, "pytestmark", []):
                if mark.name == "criterion":
                    for criterion_id in mark.args:
                        tied.setdefault(criterion_id, []).append(f"{path.name}::{name}")
    return tied


def test_every_criterion_has_a_test_and_every_test_a_known_criterion() -> None:
    tied = _tied_criteria()
    known = {c.id for c in criteria.CRITERIA}
    assert sorted(known - set(tied)) == [], "criteria with no test: a NOT RUN that no target can ever turn PASS"
    assert sorted(set(tied) - known) == [], "tests tied to criteria the plan does not have"


def test_unknown_id_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="unknown criterion 'C-99'"):
        criteria.get("C-99")
