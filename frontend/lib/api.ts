// Browser-side calls to our own /api/* (proxied to the backend) and the shapes they return.

export type Task = {
  id: number;
  title: string;
  description: string | null;
  completed: boolean;
  created_at: string;
  updated_at: string;
};

export type ToolCall = { name: string; arguments: Record<string, unknown>; result: Record<string, unknown> };

export type ChatReply = { conversation_id: number; reply: string; tool_calls: ToolCall[] };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type FieldError = { loc?: (string | number)[]; msg?: string };

/** A backend error body in words: "detail" as a sentence, or 422 field errors as "field: problem". */
export function describeError(status: number, body: unknown): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail) && detail.length) {
    return (detail as FieldError[])
      .map((error) => {
        const field = (error.loc ?? []).filter((part) => part !== "body").join(".");
        const message = (error.msg ?? "is invalid").replace(/^Value error, /, "");
        return field ? `${field}: ${message}` : message;
      })
      .join("; ");
  }
  if (status === 401) return "Your session has ended; please log in again.";
  if (status >= 500) return "The server had a problem; please try again.";
  return `Request failed (HTTP ${status}).`;
}

/** A random key for one chat message, kept for its retries (randomUUID needs a secure context). */
export function newRequestKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/${path}`, {
      method: init.method ?? "GET",
      headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "Cannot reach the server. Check your connection and try again.");
  }
  if (response.status === 204) return undefined as T;
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, describeError(response.status, body), body ?? {});
  return body as T;
}
