"use client";

import { useEffect, useRef, useState } from "react";

import { api, ApiError, newRequestKey, type ChatReply, type ToolCall } from "@/lib/api";

/** A failed message keeps its words and key: "Retry" sends both again, so nothing is done twice. */
type Retry = { message: string; key: string };
type Bubble = { id: number; role: "user" | "assistant" | "error"; text: string; actions: string[]; retry?: Retry };

const MUTATING_TOOLS = new Set(["add_task", "complete_task", "update_task", "delete_task"]);

/** What a tool call did, in words ("Added task "buy milk""), or null for reads and failures. */
function describeAction(call: ToolCall): string | null {
  const result = call.result as { task?: { title?: string; completed?: boolean }; deleted?: { title?: string } };
  if (call.name === "add_task" && result.task) return `Added task "${result.task.title}"`;
  if (call.name === "complete_task" && result.task) return `Completed "${result.task.title}"`;
  if (call.name === "update_task" && result.task) return `Updated "${result.task.title}"`;
  if (call.name === "delete_task" && result.deleted) return `Deleted "${result.deleted.title}"`;
  return null;
}

export default function ChatPanel({ onTasksChanged }: { onTasksChanged: () => Promise<void> }) {
  const [bubbles, setBubbles] = useState<Bubble[]>([]);
  const [conversationId, setConversationId] = useState<number | null>(null);
  const [sending, setSending] = useState(false);
  const nextId = useRef(0);
  const logEnd = useRef<HTMLDivElement>(null);

  useEffect(() => {
    logEnd.current?.scrollIntoView?.({ block: "end" });
  }, [bubbles]);

  function push(role: Bubble["role"], text: string, actions: string[] = [], retry?: Retry) {
    nextId.current += 1;
    const bubble = { id: nextId.current, role, text, actions, retry };
    setBubbles((current) => [...current, bubble]);
  }

  async function deliver({ message, key }: Retry) {
    setSending(true);
    try {
      const answer = await api<ChatReply>("chat", {
        method: "POST",
        body: { message, conversation_id: conversationId },
        headers: { "idempotency-key": key },
      });
      setConversationId(answer.conversation_id);
      const actions = answer.tool_calls.map(describeAction).filter((text): text is string => text !== null);
      push("assistant", answer.reply, actions);
      if (answer.tool_calls.some((call) => MUTATING_TOOLS.has(call.name))) await onTasksChanged();
    } catch (caught) {
      const body = caught instanceof ApiError ? caught.body : {};
      if (typeof body.conversation_id === "number") setConversationId(body.conversation_id);
      // What ran before the failure did happen: say so, and show it in the list.
      const done = Array.isArray(body.tool_calls) ? (body.tool_calls as ToolCall[]) : [];
      const actions = done.map(describeAction).filter((text): text is string => text !== null);
      push("error", caught instanceof Error ? caught.message : "The assistant could not answer.", actions, {
        message,
        key,
      });
      if (done.some((call) => MUTATING_TOOLS.has(call.name))) await onTasksChanged();
    } finally {
      setSending(false);
    }
  }

  async function send(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const message = String(new FormData(formElement).get("message") ?? "").trim();
    if (!message) return;
    push("user", message);
    formElement.reset();
    await deliver({ message, key: newRequestKey() });
  }

  async function retry(bubble: Bubble) {
    if (!bubble.retry) return;
    setBubbles((current) => current.map((b) => (b.id === bubble.id ? { ...b, retry: undefined } : b)));
    await deliver(bubble.retry);
  }

  return (
    <aside className="chat card" aria-label="Assistant">
      <h2>Assistant</h2>
      <div className="chat-log" role="log" aria-live="polite" aria-label="Conversation">
        {bubbles.length === 0 ? (
          <p className="hint">Try &ldquo;add buy milk&rdquo;, &ldquo;what are my tasks&rdquo; or &ldquo;mark buy milk as done&rdquo;.</p>
        ) : null}
        {bubbles.map((bubble) => (
          <div key={bubble.id} className={`bubble ${bubble.role}`} data-role={bubble.role}>
            <p>{bubble.text}</p>
            {bubble.actions.length ? (
              <ul className="tool-actions" aria-label="Actions taken">
                {bubble.actions.map((action) => (
                  <li key={action}>{action}</li>
                ))}
              </ul>
            ) : null}
            {bubble.retry ? (
              <button type="button" className="retry" disabled={sending} onClick={() => retry(bubble)}>
                Retry
              </button>
            ) : null}
          </div>
        ))}
        {sending ? (
          <p className="hint" role="status">
            Assistant is thinking…
          </p>
        ) : null}
        <div ref={logEnd} />
      </div>
      <form onSubmit={send} className="chat-form">
        <label>
          Message
          <input name="message" maxLength={2000} autoComplete="off" required placeholder="Ask me to manage your tasks" />
        </label>
        <button type="submit" disabled={sending}>
          Send
        </button>
      </form>
    </aside>
  );
}
