// After the test run in CI: each failed test's first error lines, from the JUnit file, printed
// together just before the final count (the line reporter prints them mid-run, where a CI log's
// tail does not reach). Reads reports/junit.xml (or the file given); prints nothing when all passed.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'reports/junit.xml';
if (!existsSync(file)) process.exit(0);
const xml = readFileSync(file, 'utf8');
const failures = [...xml.matchAll(/<failure\b[^>]*>\s*<!\[CDATA\[([\s\S]*?)\]\]>/g)].map((m) => m[1]);
if (!failures.length) process.exit(0);
console.log(`\nFailed tests, first lines of each error (${file}):`);
// About 80 lines in all, so the whole digest stays within what a log's tail shows.
const each = Math.max(3, Math.min(14, Math.floor(80 / failures.length)));
for (const text of failures.slice(0, 26)) {
  const lines = text.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trimEnd()).filter((l) => l.trim());
  console.log(lines.slice(0, each).map((l) => `  ${l.slice(0, 300)}`).join('\n'));
}
if (failures.length > 26) console.log(`  … and ${failures.length - 26} more`);
