// Server-side only: where the backend is and the name of the session cookie.

export const SESSION_COOKIE = "todo_session";

/** The backend's base URL, read at run time (never baked into the build: plan risk R-06). */
export function backendUrl(): string {
  return (process.env.BACKEND_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
}
