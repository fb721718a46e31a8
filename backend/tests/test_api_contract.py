"""A bounded, seeded schemathesis run over the whole API (issue 10, item 12): generated requests,
valid and invalid, with a logged-in user's token, must find no server error and no status the
OpenAPI document does not list. (Driven through hypothesis directly: schemathesis's pytest plugin
does not load under pytest 9.)"""

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.core.failures import FailureGroup

from tests.factories import register_and_login

EXAMPLES_PER_OPERATION = 25


def test_no_server_error_and_no_undocumented_status(client: TestClient) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    headers = register_and_login(client).headers
    problems: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, "the schema lists the API's operations"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(
                headers={**headers, **(case.headers or {})},
                checks=[checks.not_a_server_error, checks.status_code_conformance],
            )

        try:
            run()
        except (AssertionError, FailureGroup) as exc:  # each operation's findings, reported together
            problems.append(f"{operation.method.upper()} {operation.path}: {str(exc).strip()[:600]}")
    assert not problems, "\n\n".join(problems)
