"use client";

import { useState } from "react";

import type { Task } from "@/lib/api";

type Props = {
  task: Task;
  onChange: (task: Task, changes: Partial<Pick<Task, "title" | "description" | "completed">>) => Promise<boolean>;
  onDelete: (task: Task) => Promise<void>;
};

export default function TaskItem({ task, onChange, onDelete }: Props) {
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    const saved = await onChange(task, {
      title: String(form.get("title") ?? "").trim(),
      description: String(form.get("description") ?? "").trim() || null,
    });
    setBusy(false);
    if (saved) setEditing(false);
  }

  if (editing) {
    return (
      <li className="task editing">
        <form onSubmit={save} className="stack" aria-label={`Edit ${task.title}`}>
          <label>
            Title
            <input name="title" defaultValue={task.title} maxLength={200} required />
          </label>
          <label>
            Description
            <input name="description" defaultValue={task.description ?? ""} maxLength={2000} />
          </label>
          <div className="row">
            <button type="submit" disabled={busy}>
              Save
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li className={task.completed ? "task done" : "task"} data-testid={`task-${task.id}`}>
      <label className="check">
        <input
          type="checkbox"
          checked={task.completed}
          disabled={busy}
          onChange={async (event) => {
            setBusy(true);
            await onChange(task, { completed: event.target.checked });
            setBusy(false);
          }}
          aria-label={`${task.completed ? "Mark as pending" : "Mark as complete"}: ${task.title}`}
        />
        <span className="title">{task.title}</span>
      </label>
      {task.description ? <p className="description">{task.description}</p> : null}
      <div className="actions">
        <button type="button" className="secondary" onClick={() => setEditing(true)} aria-label={`Edit ${task.title}`}>
          Edit
        </button>
        <button
          type="button"
          className="danger"
          onClick={async () => {
            setBusy(true);
            await onDelete(task);
            setBusy(false);
          }}
          aria-label={`Delete ${task.title}`}
        >
          Delete
        </button>
      </div>
    </li>
  );
}
