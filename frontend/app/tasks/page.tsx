import { cookies } from "next/headers";
import { redirect } from "next/navigation";

import TasksApp from "@/components/TasksApp";
import { SESSION_COOKIE } from "@/lib/session";

export const metadata = { title: "Tasks · Todo Chatbot" };

export default async function TasksPage() {
  if (!(await cookies()).has(SESSION_COOKIE)) redirect("/login");
  return <TasksApp />;
}
