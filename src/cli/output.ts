// What a command leaves in its folder: a set of named files, and a result as <kind>.json, <kind>.md
// and index.html (the Markdown also printed, then where the page is) — subset, plan and export-layers.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeFiles(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
}

export function writeResultPages(outDir: string, kind: string, result: unknown, markdown: string, html: string, quiet: boolean | undefined, label: string): void {
  writeFiles(outDir, { [`${kind}.json`]: JSON.stringify(result, null, 2) + '\n', [`${kind}.md`]: markdown, 'index.html': html });
  if (quiet) return;
  console.log(`\n${markdown}`);
  console.log(`${label}: ${path.relative(process.cwd(), path.join(outDir, 'index.html'))}`);
}
