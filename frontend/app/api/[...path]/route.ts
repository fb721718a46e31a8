// The browser's only door to the backend: /api/* is forwarded to BACKEND_URL with the JWT taken
// from an httpOnly cookie, so page scripts never see the token and no CORS is needed.
import { cookies } from "next/headers";
import { NextRequest, NextResponse } from "next/server";

import { backendUrl, SESSION_COOKIE } from "@/lib/session";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ path: string[] }> };

const FORWARDED_REQUEST_HEADERS = ["content-type", "accept", "idempotency-key"];
// No request to this API needs more; a larger body is refused before it is buffered (the backend
// refuses the same).
const MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLarge extends Error {}

/** The request body, read chunk by chunk and abandoned as soon as it passes MAX_BODY_BYTES. */
async function limitedBody(request: NextRequest): Promise<ArrayBuffer> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw new BodyTooLarge();
  if (!request.body) return new ArrayBuffer(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body.buffer;
}

function tooLarge(): Response {
  return Response.json({ detail: "The request body is larger than 1 MiB" }, { status: 413 });
}
const FORWARDED_RESPONSE_HEADERS = ["content-type", "www-authenticate", "retry-after"];

async function forward(request: NextRequest, path: string[]): Promise<Response> {
  const target = `${backendUrl()}/api/${path.map(encodeURIComponent).join("/")}${request.nextUrl.search}`;
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (token) headers.set("authorization", `Bearer ${token}`);
  const hasBody = !["GET", "HEAD"].includes(request.method);
  let body: ArrayBuffer | undefined;
  try {
    body = hasBody ? await limitedBody(request) : undefined;
  } catch (error) {
    if (error instanceof BodyTooLarge) return tooLarge();
    throw error;
  }
  // A pod that is stopping (a rolling update) closes its idle keep-alive connections; a request
  // that raced onto one fails before the backend saw it. Safe requests (reads, and chat messages
  // with an Idempotency-Key, which the backend answers once) are sent again, once.
  const repeatable = !hasBody || headers.has("idempotency-key");
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetch(target, {
        method: request.method,
        headers,
        body,
        cache: "no-store",
        redirect: "manual",
      });
    } catch {
      if (repeatable && attempt < 2) continue;
      return Response.json(
        { detail: "The API server cannot be reached right now; try again in a moment." },
        { status: 502 },
      );
    }
  }
}

function relay(upstream: Response, body: BodyInit | null): NextResponse {
  const headers = new Headers();
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new NextResponse(body, { status: upstream.status, headers });
}

async function login(request: NextRequest): Promise<Response> {
  const upstream = await forward(request, ["auth", "login"]);
  if (upstream.status !== 200) return relay(upstream, await upstream.arrayBuffer());
  const { access_token: token, expires_in: expiresIn, user } = await upstream.json();
  const response = NextResponse.json({ user });
  response.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: request.nextUrl.protocol === "https:",
    path: "/",
    maxAge: expiresIn,
  });
  return response;
}

/** Ends the session on the server (the token is refused from then on), then drops the cookie. */
async function logout(): Promise<Response> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (token) {
    try {
      await fetch(`${backendUrl()}/api/auth/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        cache: "no-store",
      });
    } catch {
      // The API server is unreachable: the cookie still goes, the token expires on its own.
    }
  }
  const response = new NextResponse(null, { status: 204 });
  response.cookies.delete(SESSION_COOKIE);
  return response;
}

async function handle(request: NextRequest, context: Context): Promise<Response> {
  const { path } = await context.params;
  const route = path.join("/");
  if (request.method === "POST" && route === "auth/login") return login(request);
  if (request.method === "POST" && route === "auth/logout") return await logout();
  const upstream = await forward(request, path);
  const body = upstream.status === 204 ? null : await upstream.arrayBuffer();
  return relay(upstream, body);
}

export { handle as DELETE, handle as GET, handle as PATCH, handle as POST, handle as PUT };
