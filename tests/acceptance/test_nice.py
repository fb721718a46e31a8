"""Nice-to-have criterion N-01: AI tools did more than half of the deployment operations, by the
usage log (fixtures/usage.py; N-02 and N-03 are in test_cluster.py)."""

import pytest

from fixtures import usage
from fixtures.evidence import Evidence
from fixtures.needs import unmet
from fixtures.profile_model import Profile
from fixtures.settings import HarnessSettings


@pytest.mark.criterion("N-01")
def test_n01_ai_tools_did_most_operations(settings: HarnessSettings, app_profile: Profile, evidence: Evidence) -> None:
    # The app's own log (--ai-usage-log, else the profile's, in the app's repository), with the
    # lines the harness wrote of its own operations where it writes them.
    app_log = settings.app_repo / app_profile.ai_usage_log
    log = settings.ai_usage_log if settings.sources.get("ai_usage_log") in ("option", "env") else app_log
    entries = usage.read(log) + (usage.read(settings.ai_usage_log) if settings.ai_usage_log != log else [])
    share = usage.ai_share(entries)
    harness_lines = sum(1 for e in entries if e.get("by") == "harness")
    if share.total == 0:
        # The log is written by the app's scripts and tools, or by people (the README's format).
        unmet(
            f"no operation of the scripts or of people in {log} yet ({harness_lines} of the harness's own)",
            "deploy with the app's scripts if they log their steps, or add your own operations to the log, "
            "a JSON line each (the format: the harness's docs/AI-TOOLS-GUIDE.md)",
        )
    installed = usage.installed_ai_tools()
    evidence.json(
        "AI usage (N-01)",
        {
            "log": str(log),
            "operations counted": share.total,
            "by AI tools": share.ai,
            "share": round(share.fraction, 3),
            "by tool": share.by_tool,
            "harness lines (not counted)": harness_lines,
            "AI tools installed here": installed,
        },
    )
    why = (
        f"AI tools did {share.ai} of {share.total} operations ({share.fraction:.0%}), the plan asks for more than half"
    )
    if not installed:
        why += (
            "; no AI tool (Gordon, kubectl-ai, kagent) is installed here, so every step fell back to the plain command"
        )
    assert share.passes, why
