import AuthForm from "@/components/AuthForm";

export const metadata = { title: "Log in · Todo Chatbot" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ registered?: string }> }) {
  const { registered } = await searchParams;
  const notice = registered ? `Account created for ${registered}. Log in to continue.` : undefined;
  return <AuthForm mode="login" notice={notice} />;
}
