// A corpus of malformed policy files (tests/fixtures/malformed/): each gets one clear error that
// names the file and says what is wrong, through the real CLI with exit code 2, no stack trace.
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { loadPolicy, PolicyError } from '../../src/policy/policy.js';
import { runCli } from './helpers.js';

const DIR = 'tests/fixtures/malformed';
const expected = JSON.parse(readFileSync(`${DIR}/expected.json`, 'utf8')) as Record<string, string>;
const files = readdirSync(DIR).filter((f) => f !== 'expected.json').sort();

test('the corpus has at least 30 malformed files, each with an expected message', () => {
  expect(files.length).toBeGreaterThanOrEqual(30);
  expect(Object.keys(expected).sort()).toEqual(files);
});

test('each malformed file is a PolicyError naming the file and the problem', () => {
  for (const f of files) {
    let error: unknown;
    try {
      loadPolicy(`${DIR}/${f}`);
    } catch (err) {
      error = err;
    }
    expect(error, f).toBeInstanceOf(PolicyError);
    expect((error as Error).message, f).toContain(f);
    expect((error as Error).message, f).toContain(expected[f]!);
  }
});

test('through the CLI: exit 2 with one clear error per file and no stack trace', async () => {
  const r = await runCli(['check', ...files.map((f) => `${DIR}/${f}`), 'policies/bundle-a.yaml']);
  expect(r.code).toBe(2);
  expect(r.stdout).toContain('policies/bundle-a.yaml: ok'); // good files are still checked
  const errors = r.stderr.split(/^headerproof: /m).filter(Boolean);
  expect(errors).toHaveLength(files.length);
  for (const f of files) {
    const error = errors.find((e) => e.startsWith(`${DIR}/${f}:`));
    expect(error, f).toBeDefined();
    expect(error, f).toContain(expected[f]!);
    expect(error!.length, f).toBeLessThan(1500); // one clear error, not a dump
  }
  expect(r.stderr).not.toMatch(/\n\s+at \S+ \(/);
});
