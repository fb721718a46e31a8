// `output: "standalone"` leaves static assets out of .next/standalone; the server serves them
// only when copied beside it. https://nextjs.org/docs/app/api-reference/config/next-config-js/output
import { cpSync, existsSync } from "node:fs";

cpSync(".next/static", ".next/standalone/.next/static", { recursive: true });
if (existsSync("public")) {
  cpSync("public", ".next/standalone/public", { recursive: true });
}
