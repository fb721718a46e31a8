"""Lint charts with Helm's own Go library (PyPI helm-sdkpy), for machines without the helm CLI.

    .venv-helm/bin/python scripts/dev/helm_sdk_lint.py CHART [CHART...]

Prints one JSON object per chart: {"chart", "errors": [...], "messages": [...]}; exit 1 if any
chart has an error. helm-sdkpy needs Python 3.12+ (`make helm-sdk` builds .venv-helm).
"""

import asyncio
import json
import sys

from helm_sdkpy import Configuration
from helm_sdkpy.chart import Lint

SEVERITY = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}


def main(charts: list[str]) -> int:
    config = Configuration(namespace="default")
    failed = False
    for chart in charts:
        result = asyncio.run(Lint(config).run(chart))
        messages = [
            {
                "severity": SEVERITY.get(m.get("Severity", 0), "UNKNOWN"),
                "path": m.get("Path", ""),
                "error": json.dumps(m.get("Err")) if m.get("Err") else "",
            }
            for m in result.get("Messages") or []
        ]
        errors = [m for m in messages if m["severity"] == "ERROR"]
        failed = failed or bool(errors) or bool(result.get("Errors"))
        print(json.dumps({"chart": chart, "errors": errors, "messages": messages}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
