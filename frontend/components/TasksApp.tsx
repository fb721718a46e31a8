"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";

import ChatPanel from "@/components/ChatPanel";
import TaskItem from "@/components/TaskItem";
import { api, ApiError, type Task } from "@/lib/api";

type Filter = "all" | "pending" | "completed";
const FILTERS: Filter[] = ["all", "pending", "completed"];

export default function TasksApp() {
  const router = useRouter();
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [filter, setFilter] = useState<Filter>("all");
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);

  const fail = useCallback(
    (caught: unknown) => {
      if (caught instanceof ApiError && caught.status === 401) {
        router.replace("/login");
        return;
      }
      setError(caught instanceof Error ? caught.message : "Something went wrong.");
    },
    [router],
  );

  const load = useCallback(async () => {
    try {
      const page = await api<{ data: Task[]; count: number }>("tasks?status=all&limit=500");
      setTasks(page.data);
      setError(null);
    } catch (caught) {
      fail(caught);
    }
  }, [fail]);

  useEffect(() => {
    // Fetching on mount is what this effect is for; the state it sets comes from the network.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);

  async function add(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const title = String(form.get("title") ?? "").trim();
    const description = String(form.get("description") ?? "").trim();
    if (!title) {
      setError("title: a task needs a title");
      return;
    }
    setAdding(true);
    try {
      await api<Task>("tasks", { method: "POST", body: { title, description: description || null } });
      formElement.reset();
      await load();
    } catch (caught) {
      fail(caught);
    } finally {
      setAdding(false);
    }
  }

  async function change(task: Task, changes: Partial<Pick<Task, "title" | "description" | "completed">>) {
    try {
      await api<Task>(`tasks/${task.id}`, { method: "PATCH", body: changes });
      await load();
      return true;
    } catch (caught) {
      fail(caught);
      return false;
    }
  }

  async function remove(task: Task) {
    try {
      await api(`tasks/${task.id}`, { method: "DELETE" });
      await load();
    } catch (caught) {
      fail(caught);
    }
  }

  async function signOut() {
    await api("auth/logout", { method: "POST" }).catch(() => undefined);
    router.replace("/login");
    router.refresh();
  }

  const all = tasks ?? [];
  const completedCount = all.filter((task) => task.completed).length;
  const counts: Record<Filter, number> = {
    all: all.length,
    pending: all.length - completedCount,
    completed: completedCount,
  };
  const shown = all.filter((task) => filter === "all" || task.completed === (filter === "completed"));

  return (
    <div className="page">
      <header className="topbar">
        <h1>My tasks</h1>
        <button type="button" className="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <div className="columns">
        <main className="tasks card">
          <form onSubmit={add} className="add-form" aria-label="Add a task">
            <label>
              Title
              <input name="title" maxLength={200} required placeholder="e.g. Buy milk" />
            </label>
            <label>
              <span>
                Description <span className="hint">(optional)</span>
              </span>
              <input name="description" maxLength={2000} />
            </label>
            <button type="submit" disabled={adding}>
              {adding ? "Adding…" : "Add task"}
            </button>
          </form>

          {error ? (
            <p className="error" role="alert">
              {error}
            </p>
          ) : null}

          <nav className="filters" aria-label="Filter tasks">
            {FILTERS.map((name) => (
              <button
                key={name}
                type="button"
                className={filter === name ? "filter active" : "filter"}
                aria-pressed={filter === name}
                onClick={() => setFilter(name)}
              >
                {name[0].toUpperCase() + name.slice(1)} ({counts[name]})
              </button>
            ))}
          </nav>

          {tasks === null ? (
            <p role="status">Loading tasks…</p>
          ) : shown.length === 0 ? (
            <p className="empty" role="status">
              {filter === "all" ? "No tasks yet. Add one above, or ask the assistant." : `No ${filter} tasks.`}
            </p>
          ) : (
            <ul className="task-list" aria-label="Tasks">
              {shown.map((task) => (
                <TaskItem key={task.id} task={task} onChange={change} onDelete={remove} />
              ))}
            </ul>
          )}
        </main>
        <ChatPanel onTasksChanged={load} />
      </div>
    </div>
  );
}
