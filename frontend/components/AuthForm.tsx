"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { api, ApiError } from "@/lib/api";

type Mode = "login" | "register";

const TEXT = {
  login: { title: "Log in", button: "Log in", busy: "Logging in…", other: "/register", otherText: "Create an account" },
  register: {
    title: "Create your account",
    button: "Create account",
    busy: "Creating account…",
    other: "/login",
    otherText: "I already have an account",
  },
} as const;

export default function AuthForm({ mode, notice }: { mode: Mode; notice?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const text = TEXT[mode];

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    setBusy(true);
    setError(null);
    try {
      if (mode === "register") {
        const name = String(form.get("name") ?? "").trim();
        await api("auth/register", { method: "POST", body: { email, password, name: name || null } });
        router.push(`/login?registered=${encodeURIComponent(email)}`);
      } else {
        await api("auth/login", { method: "POST", body: { email, password } });
        router.replace("/tasks");
        router.refresh();
      }
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "Something went wrong; please try again.");
      setBusy(false);
    }
  }

  return (
    <main className="auth">
      <h1>{text.title}</h1>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit} className="card stack" aria-busy={busy} aria-label={text.title}>
        {mode === "register" ? (
          <label>
            <span>
              Name <span className="hint">(optional)</span>
            </span>
            <input name="name" autoComplete="name" maxLength={100} />
          </label>
        ) : null}
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === "login" ? "current-password" : "new-password"}
            minLength={mode === "register" ? 8 : undefined}
            required
          />
          {mode === "register" ? <span className="hint">At least 8 characters.</span> : null}
        </label>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? text.busy : text.button}
        </button>
      </form>
      <p>
        <Link href={text.other}>{text.otherText}</Link>
      </p>
    </main>
  );
}
