// The browser's only door to the backend: /api/* is forwarded to BACKEND_URL with the JWT taken
// from an httpOnly cookie, so page scripts never see the token and no CORS is needed.
import { cookies } from "next/headers";
import { NextRequest, NextResponse } from "next/server";

import { backendUrl, SESSION_COOKIE } from "@/lib/session";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ path: string[] }> };

const FORWARDED_REQUEST_HEADERS = ["content-type", "accept"];
const FORWARDED_RESPONSE_HEADERS = ["content-type", "www-authenticate"];

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
  try {
    return await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      cache: "no-store",
      redirect: "manual",
    });
  } catch {
    return Response.json(
      { detail: "The API server cannot be reached right now; try again in a moment." },
      { status: 502 },
    );
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

function logout(): Response {
  const response = new NextResponse(null, { status: 204 });
  response.cookies.delete(SESSION_COOKIE);
  return response;
}

async function handle(request: NextRequest, context: Context): Promise<Response> {
  const { path } = await context.params;
  const route = path.join("/");
  if (request.method === "POST" && route === "auth/login") return login(request);
  if (request.method === "POST" && route === "auth/logout") return logout();
  const upstream = await forward(request, path);
  const body = upstream.status === 204 ? null : await upstream.arrayBuffer();
  return relay(upstream, body);
}

export { handle as DELETE, handle as GET, handle as PATCH, handle as POST, handle as PUT };
