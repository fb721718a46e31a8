"""What counts as the chat's answer (C-14): pure logic of fixtures/ui.py's Reply."""

import pytest

from fixtures.ui import Reply
from fixtures.ui_words import TRANSIENT


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Okay! “walk the dog” is on your list now.", None),
        ("🤔 I'm not sure I understand. Try 'Add todo: buy milk'", None),  # an answer, if not an action
        ("", "no reply appeared"),
        ("   \n", "no reply appeared"),
        ("add a task called walk the dog", "the only new text is the message sent"),
        ("Sorry, something went wrong.", "the reply is an error"),
        ("Error: 502 Bad Gateway", "the reply is an error"),
        ("The assistant failed to answer", "the reply is an error"),
        ("Failed to load conversation history\nI've created the task for you.", None),  # a banner beside it
        ("Failed to load conversation history\nSorry, something went wrong", "the reply is an error"),
    ],
)
def test_a_reply_is_an_answer_only_when_it_is_one(text: str, problem: str | None) -> None:
    found = Reply(text, "add a task called walk the dog").problem()
    assert (found is None) if problem is None else (found is not None and problem in found), found


@pytest.mark.parametrize(
    "line", ["Thinking…", "typing...", "You", "Assistant:", "10:42 PM", "just now", "👤", "🤖", "Retry"]
)
def test_status_lines_labels_and_times_are_not_the_reply(line: str) -> None:
    assert TRANSIENT.search(line)


@pytest.mark.parametrize("line", ["Added “milk”.", "You have 2 tasks.", "AI can help: try 'show todos'"])
def test_answers_are_kept(line: str) -> None:
    assert not TRANSIENT.search(line)
