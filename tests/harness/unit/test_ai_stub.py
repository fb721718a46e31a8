"""The OpenAI-compatible stub (fixtures/ai_stub.py): what it understands, that the official openai
SDK reads its answers (Chat Completions and Responses, with tool calls), and that our own app,
deployed with AI_PROVIDER=openai against it, adds a task from a chat message with no key."""

import json
import subprocess
from pathlib import Path

import pytest

from fixtures import ai_stub, images
from fixtures.api import TodoApi
from fixtures.cluster import ExistingContext, LocalCluster
from fixtures.profile import load
from fixtures.settings import resolve
from fixtures.targets.base import TargetError
from fixtures.targets.cluster import ClusterTarget
from fixtures.targets.local import LocalTarget
from tests.ours import OUR_PROFILE, OURS, REPO_ROOT

# The official SDK, as the apps under test use it (the backend's environment has it).
SDK_PYTHON = REPO_ROOT / "backend" / ".venv" / "bin" / "python"
ADD_TASK = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("add a task called buy milk", "buy milk"),
        ("Add task 'water plants'", "water plants"),
        ("please create a new task named Pay rent.", "Pay rent"),
        ("add walk the dog to my tasks", "walk the dog"),
        ("what are my tasks?", None),
    ],
)
def test_it_reads_an_add_task_request(message: str, title: str | None) -> None:
    assert ai_stub.wanted_title(message) == title


def test_it_finds_the_apps_add_task_tool_and_its_title_parameter() -> None:
    flat = [{"type": "function", "name": "list_tasks", "parameters": {"properties": {}}}]
    flat.append({"type": "function", "name": "createTodo", "parameters": {"properties": {"text": {"type": "string"}}}})
    assert ai_stub.add_tool(flat) == ("createTodo", "text")
    nested = [{"type": "function", "function": {"name": "add_task", "parameters": ADD_TASK}}]
    assert ai_stub.add_tool(nested) == ("add_task", "title")
    assert ai_stub.add_tool([{"type": "function", "function": {"name": "delete_task", "parameters": ADD_TASK}}]) is None


SDK_SCRIPT = """
import json, sys
import openai
client = openai.OpenAI(base_url=sys.argv[1], api_key="no-key")
tools = [{"type": "function", "function": {"name": "add_task", "parameters": %(schema)s}}]
chat = client.chat.completions.create(model="any", messages=[{"role": "user", "content": "add a task called buy milk"}],
                                      tools=tools)
call = chat.choices[0].message.tool_calls[0]
after = client.chat.completions.create(model="any", tools=tools, messages=[
    {"role": "user", "content": "add a task called buy milk"}, chat.choices[0].message.model_dump(exclude_none=True),
    {"role": "tool", "tool_call_id": call.id, "content": "{\\"id\\": 7, \\"title\\": \\"buy milk\\"}"}])
flat = [{"type": "function", "name": "add_task", "parameters": %(schema)s}]
first = client.responses.create(model="any", input="add a task called buy milk", tools=flat)
fc = first.output[0]
done = client.responses.create(model="any", tools=flat, input=[
    {"type": "function_call", "call_id": fc.call_id, "name": fc.name, "arguments": fc.arguments},
    {"type": "function_call_output", "call_id": fc.call_id, "output": "added #7"}])
plain = client.chat.completions.create(model="any", messages=[{"role": "user", "content": "hello"}])
print(json.dumps({
    "chat_call": [call.function.name, json.loads(call.function.arguments)],
    "chat_after": after.choices[0].message.content,
    "responses_call": [fc.type, fc.name, json.loads(fc.arguments)], "responses_after": done.output_text,
    "plain": plain.choices[0].message.content}))
"""


def test_the_official_sdk_reads_its_answers_on_both_apis() -> None:
    with ai_stub.running() as stub:
        done = subprocess.run(
            [str(SDK_PYTHON), "-c", SDK_SCRIPT % {"schema": json.dumps(ADD_TASK)}, stub.url],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        seen = json.loads(done.stdout)
        assert seen["chat_call"] == ["add_task", {"title": "buy milk"}]
        assert seen["responses_call"] == ["function_call", "add_task", {"title": "buy milk"}]
        for key in ("chat_after", "responses_after", "plain"):
            assert ai_stub.MARK in seen[key], seen
        assert stub.summary()["requests"] == 5 and len(stub.summary()["tool_calls"]) == 2


def test_our_app_adds_a_task_from_chat_against_the_stub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with ai_stub.running() as stub:
        monkeypatch.setenv("AI_BASE_URL", stub.url)
        monkeypatch.setenv("OPENAI_API_KEY", "no-key-needed")
        target = LocalTarget(
            resolve({"target": "local", "reports_dir": str(tmp_path), "ai_provider": "openai"}, {}), OURS
        )
        try:
            deployment = target.deploy()
            api = TodoApi(deployment.backend_url, load(OUR_PROFILE, REPO_ROOT).api)
            account = api.new_account()
            answered = api.chat(account, "add a task called buy oat milk")
            assert answered.status_code == 200, answered.text
            assert ai_stub.MARK in api.reply(answered)
            assert [api.title(t) for t in api.tasks(account)] == ["buy oat milk"]
            assert stub.summary()["tool_calls"][0]["name"] == "add_task"
        finally:
            target.teardown()


def test_a_cluster_target_refuses_the_stub_its_pods_cannot_reach(tmp_path: Path) -> None:
    settings = resolve({"target": "kube", "reports_dir": str(tmp_path), "ai_stub": True}, {})
    target = ClusterTarget(settings, images.Images(settings, OURS), ExistingContext(tmp_path))
    with pytest.raises(TargetError, match="--ai-stub cannot serve the kube target: its pods have no address"):
        target.deploy()
    # The local cluster's pods reach this machine on their bridge's gateway: the stub listens there.
    assert LocalCluster(tmp_path).pod_gateway() == "10.244.0.1"
