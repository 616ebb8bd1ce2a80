// Copies Swagger UI (swagger-ui-dist) into static/dist/swagger-ui/ for the API docs at /api/v1/docs:
// the platform serves it itself, nothing loads from a CDN.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules", "swagger-ui-dist");
const target = join(root, "static", "dist", "swagger-ui");

mkdirSync(target, { recursive: true });
// The bundles name their source maps, which are not shipped (5 MB): collectstatic's manifest
// storage follows every sourceMappingURL and fails on a missing file, so the comment is dropped.
for (const name of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  const text = readFileSync(join(source, name), "utf8");
  writeFileSync(join(target, name), text.replace(/\n?(\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=[^*]*\*\/)\s*$/, "\n"));
}
copyFileSync(join(source, "LICENSE"), join(target, "LICENSE"));
console.log(`swagger-ui: ${target.slice(root.length + 1)}`);
