import { cookies } from "next/headers";
import { redirect } from "next/navigation";

import { SESSION_COOKIE } from "@/lib/session";

export default async function Home() {
  const signedIn = (await cookies()).has(SESSION_COOKIE);
  redirect(signedIn ? "/tasks" : "/login");
}
