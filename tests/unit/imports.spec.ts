// The import rules of .dependency-cruiser.cjs (no circles, the core names no app, nothing imports the
// CLI, the report renders and does not compute) checked on src/ by dependency-cruiser. Violations
// that exist today are listed in .dependency-cruiser-known-violations.json and ignored; a new one
// fails here, and the list may only shrink.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'node_modules', '.bin', 'depcruise');
const KNOWN = '.dependency-cruiser-known-violations.json';
// Playwright's workers force colours on; the rule lines are read as plain text.
const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };

test('src/ has no import that breaks the rules, beyond the known ones, and the known ones only shrink', () => {
  const r = spawnSync(BIN, ['src', '--config', '.dependency-cruiser.cjs', '--ignore-known', KNOWN, '--output-type', 'err'], { cwd: ROOT, encoding: 'utf8', env });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  const known = JSON.parse(readFileSync(path.join(ROOT, KNOWN), 'utf8')) as { rule: { name: string }; from: string; to: string }[];
  // 2026-12-05: 9; then the lab moved under the Immich app (reached through src/apps/index.ts), the
  // summary's verdicts moved to verdict/summary.ts (the reporter to harness/) and a run's orchestration
  // out of the CLI (src/run/run.ts): none left.
  expect(known.length, 'fix a known violation rather than adding one').toBeLessThanOrEqual(0);
  expect(known.filter((k) => k.rule.name === 'no-circular'), 'no import circle may be accepted as known').toEqual([]);
});

test('the rules catch what they are for: a folder that breaks each one is reported, rule by rule', () => {
  // A small src/ of its own, one import breaking each rule, checked with the project's config.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hp-imports-'));
  const files: Record<string, string> = {
    'src/cli/main.ts': 'export const cli = 1;\n',
    'src/tune/tune.ts': "import { cli } from '../cli/main.js';\nexport const t = cli;\n",
    'src/apps/immich/profile.ts': 'export const immich = 1;\n',
    'src/proxy/proxy.ts': "import { immich } from '../apps/immich/profile.js';\nexport const p = immich;\n",
    'src/verdict/verdict.ts': 'export function decide(): number { return 1; }\nexport type V = number;\n',
    'src/report/summary.ts': "import { decide } from '../verdict/verdict.js';\nimport type { V } from '../verdict/verdict.js';\nexport const s: V = decide();\n",
    'src/observe/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
    'src/observe/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true }, include: ['src'] }),
  };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  const r = spawnSync(BIN, ['src', '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err'], { cwd: dir, encoding: 'utf8', env });
  expect(r.status, r.stdout + r.stderr).not.toBe(0);
  for (const line of [
    'nothing-imports-the-cli: src/tune/tune.ts → src/cli/main.ts',
    'core-names-no-app: src/proxy/proxy.ts → src/apps/immich/profile.ts',
    'report-reads-not-computes: src/report/summary.ts → src/verdict/verdict.ts',
    'no-circular: src/observe/a.ts → src/observe/b.ts',
  ]) expect(r.stdout.replace(/\s+/g, ' '), line).toContain(line);
  // A type-only import of the verdict's result types is the report's to make: one report line only.
  expect(r.stdout.match(/report-reads-not-computes/g)).toHaveLength(1);
});
