// Tidy Todo's pages: the token in localStorage, every call straight to the backend at the URL
// baked in at build time (window.TIDY_API, from config.js).
const api = window.TIDY_API;
const session = () => JSON.parse(localStorage.getItem("tidy") || "null");

async function call(method, path, body) {
  const who = session();
  const headers = { "content-type": "application/json" };
  if (who) headers.authorization = `Bearer ${who.token}`;
  const response = await fetch(api + path, { method, headers, body: body && JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = typeof data.detail === "string" ? data.detail : "Please check the form";
    throw new Error(detail);
  }
  return data;
}

function form(id, handler) {
  const element = document.getElementById(id);
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = element.querySelector(".error");
    if (problem) problem.textContent = "";
    try {
      await handler(Object.fromEntries(new FormData(element)), element);
    } catch (error) {
      if (problem) problem.textContent = error.message;
    }
  });
}

const pages = {
  signup() {
    form("signup", async (fields) => {
      if (fields.password !== fields.confirm) throw new Error("The passwords differ");
      await call("POST", "/auth/signup", { name: fields.name, email: fields.email, password: fields.password });
      location.href = "/signin?welcome=1";
    });
  },
  signin() {
    if (location.search.includes("welcome")) document.getElementById("welcome").textContent = "You are in. Sign in to start.";
    form("signin", async (fields) => {
      const answer = await call("POST", "/auth/signin", fields);
      localStorage.setItem("tidy", JSON.stringify({ token: answer.token, id: answer.user.id }));
      location.href = "/dashboard";
    });
  },
  async dashboard() {
    const who = session();
    if (!who) return (location.href = "/signin");
    document.getElementById("signout").onclick = () => {
      localStorage.removeItem("tidy");
      location.href = "/";
    };
    const taskForm = document.getElementById("task");
    document.getElementById("open").onclick = () => (taskForm.hidden = false);
    const list = document.getElementById("tasks");
    const show = async () => {
      const tasks = await call("GET", `/api/${who.id}/tasks`);
      list.replaceChildren(
        ...tasks.map((task) => {
          const item = document.createElement("li");
          item.className = task.status;
          const title = document.createElement("span");
          title.textContent = task.title;
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = task.status === "completed" ? "Undo" : "Mark done";
          button.onclick = async () => {
            const status = task.status === "completed" ? "pending" : "completed";
            await call("PATCH", `/api/${who.id}/tasks/${task.id}`, { status });
            await show();
          };
          item.append(title, " ", button);
          return item;
        }),
      );
    };
    form("task", async (fields, element) => {
      await call("POST", `/api/${who.id}/tasks`, fields);
      element.reset();
      element.hidden = true;
      await show();
    });
    await show();
  },
  chat() {
    const who = session();
    if (!who) return (location.href = "/signin");
    const log = document.getElementById("log");
    const say = (who, text) => {
      const bubble = document.createElement("div");
      bubble.className = `msg ${who}`;
      bubble.textContent = text;
      log.append(bubble);
    };
    form("ask", async (fields, element) => {
      say("me", fields.message);
      element.reset();
      try {
        const answer = await call("POST", `/api/${who.id}/chat`, { message: fields.message });
        say("bot", answer.response);
      } catch (error) {
        say("bot", `Sorry: ${error.message}`);
      }
    });
  },
};

(pages[document.body.dataset.page] || (() => {}))();
