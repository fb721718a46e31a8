// Liveness of the Next.js server itself (the backend has its own /health).
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok" });
}
