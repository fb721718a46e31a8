// Tidy Todo's frontend server: static pages, each route its own HTML file (no dependencies).
const http = require("http");
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "public");
const pages = { "/": "index.html", "/signup": "signup.html", "/signin": "signin.html", "/dashboard": "dashboard.html", "/chat": "chat.html" };
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css" };

http
  .createServer((request, response) => {
    const url = new URL(request.url, "http://localhost");
    const file = pages[url.pathname] || url.pathname.slice(1);
    const full = path.join(root, path.normalize(file));
    if (!full.startsWith(root + path.sep) || !fs.existsSync(full) || fs.statSync(full).isDirectory()) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
      return;
    }
    response.writeHead(200, { "content-type": types[path.extname(full)] || "application/octet-stream" });
    fs.createReadStream(full).pipe(response);
  })
  .listen(Number(process.env.PORT || 3000), process.env.HOSTNAME || "0.0.0.0");
