// Copies Swagger UI (swagger-ui-dist) into static/dist/swagger-ui/ for the API docs at /api/v1/docs:
// the platform serves it itself, nothing loads from a CDN.
import { copyFileSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules", "swagger-ui-dist");
const target = join(root, "static", "dist", "swagger-ui");

mkdirSync(target, { recursive: true });
for (const name of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"]) {
  copyFileSync(join(source, name), join(target, name));
}
console.log(`swagger-ui: ${target.slice(root.length + 1)}`);
