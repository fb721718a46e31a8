"use client";

import { useEffect, useRef, useState } from "react";

import { api, ApiError, type ChatReply, type ToolCall } from "@/lib/api";

type Bubble = { id: number; role: "user" | "assistant" | "error"; text: string; actions: string[] };

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

  function push(role: Bubble["role"], text: string, actions: string[] = []) {
    nextId.current += 1;
    const bubble = { id: nextId.current, role, text, actions };
    setBubbles((current) => [...current, bubble]);
  }

  async function send(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const message = String(new FormData(formElement).get("message") ?? "").trim();
    if (!message) return;
    push("user", message);
    formElement.reset();
    setSending(true);
    try {
      const answer = await api<ChatReply>("chat", {
        method: "POST",
        body: { message, conversation_id: conversationId },
      });
      setConversationId(answer.conversation_id);
      const actions = answer.tool_calls.map(describeAction).filter((text): text is string => text !== null);
      push("assistant", answer.reply, actions);
      if (answer.tool_calls.some((call) => MUTATING_TOOLS.has(call.name))) await onTasksChanged();
    } catch (caught) {
      if (caught instanceof ApiError && typeof caught.body.conversation_id === "number") {
        setConversationId(caught.body.conversation_id);
      }
      push("error", caught instanceof Error ? caught.message : "The assistant could not answer.");
    } finally {
      setSending(false);
    }
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
