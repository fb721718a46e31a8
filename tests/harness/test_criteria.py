"""The registry holds the plan's 24 criteria, verbatim, in plan order."""

import pytest

from fixtures import criteria


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


@pytest.mark.parametrize(
    ("criterion_id", "text", "verification"),
    [
        ("C-01", "Backend Docker image builds without errors", "`docker build` exit code 0"),
        ("C-09", "Frontend loads in browser", "Navigate to `localhost:30080`"),
        ("C-14", "Chatbot responds to messages", "Send message, receive response"),
        ("S-01", "Backend image < 500MB", "`docker images` size check"),
        ("N-03", "Resource limits are respected", "`kubectl top pods`"),
    ],
)
def test_texts_are_the_plans(criterion_id: str, text: str, verification: str) -> None:
    criterion = criteria.get(criterion_id)
    assert (criterion.text, criterion.verification) == (text, verification)


def test_cluster_criteria_need_a_cluster() -> None:
    assert {c.id for c in criteria.CRITERIA if "cluster" in c.needs} == {
        "C-03",
        "C-04",
        "C-05",
        "C-06",
        "C-07",
        "S-03",
        "S-04",
        "S-05",
        "S-06",
        "N-02",
        "N-03",
    }


def test_unknown_id_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="unknown criterion 'C-99'"):
        criteria.get("C-99")
