// Copies the bootstrap-icons SVG sprite into static/dist/icons/ (the `{% icon %}` tag points there).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules", "bootstrap-icons", "bootstrap-icons.svg");
const target = join(root, "static", "dist", "icons", "bootstrap-icons.svg");

mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`icons: ${target.slice(root.length + 1)}`);
