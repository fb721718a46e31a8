import AuthForm from "@/components/AuthForm";

export const metadata = { title: "Register · Todo Chatbot" };

export default function RegisterPage() {
  return <AuthForm mode="register" />;
}
