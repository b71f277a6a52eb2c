// headerproof tune, end to end against the lab: observe → synthesize → enforce → (widen) → write,
// then prove the written policy with an independent run.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../e2e/helpers.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { lintPolicy } from '../../src/lint/lint.js';
import type { Summary } from '../../src/report/model.js';

test.describe.configure({ mode: 'serial', timeout: 600_000 });

test('tune converges to a strict CSP that passes all journeys enforced with zero violations', async ({}, testInfo) => {
  const out = testInfo.outputPath('tuned.yaml');
  const r = await runCli(['tune', '--out', out, '--workers', '2']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toContain('tune: iteration 1: enforcing');
  expect(r.stdout).toMatch(/Converged after \d enforced run/);

  const policy = loadPolicy(out);
  const d = policy.csp!.directives;
  expect(policy.csp!.reportOnly).toBe(false);
  expect(d['script-src']).not.toContain("'unsafe-inline'");
  expect(Object.values(d).flat()).not.toContain("'unsafe-eval'");
  expect(Object.values(d).flat().some((s) => s.includes('*'))).toBe(false);
  expect(d['script-src']!.filter((s) => s.startsWith("'sha256-"))).toHaveLength(2); // theme + bootstrap
  expect(d['worker-src']).toContain('blob:');
  expect(d['connect-src']).toEqual(expect.arrayContaining(['https://tiles.immich.cloud', 'https://static.immich.cloud']));
  expect(d).toMatchObject({ 'default-src': ["'none'"], 'object-src': ["'none'"], 'base-uri': ["'self'"], 'frame-ancestors': ["'self'"], 'form-action': ["'self'"] });
  expect(lintPolicy(policy).filter((f) => f.severity === 'high')).toEqual([]);
  const text = readFileSync(out, 'utf8');
  expect(text).toMatch(/https:\/\/tiles\.immich\.cloud.*needed by map/);
  expect(text).toContain('changes with every app build');

  // An independent run of the written file: safe on every journey, nothing blocked.
  const runOut = testInfo.outputPath('verify');
  const verify = await runCli(['run', '--policy', out, '--out', runOut, '--workers', '2']);
  const summary = JSON.parse(readFileSync(path.join(runOut, 'summary.json'), 'utf8')) as Summary;
  expect(summary.policies[0]!.verdict, summary.policies[0]!.reasons.join(' | ')).toBe('safe');
  expect(summary.policies[0]!.journeys.flatMap((j) => j.violations).filter((v) => v.kind === 'csp')).toEqual([]);
  expect(verify.code).toBe(0);
});

test('tune --from widens an existing policy only where the journeys need it, and prints the diff', async ({}, testInfo) => {
  const out = testInfo.outputPath('widened.yaml');
  const r = await runCli(['tune', '--from', 'tests/fixtures/policies/csp-narrow.yaml', '--out', out, '--workers', '2', '--journeys', 'login,map']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toContain('Changes to the starting policy:');
  expect(r.stdout).toMatch(/\+ worker-src .*blob:/);
  const policy = loadPolicy(out);
  expect(policy.set['X-Content-Type-Options']).toBe('nosniff'); // the rest of the policy is kept
  const d = policy.csp!.directives;
  expect(d['default-src']).toEqual(["'self'"]); // not loosened
  expect(d['object-src']).toEqual(["'none'"]);
  expect(d['script-src']![0]).toBe("'self'");
  expect(d['script-src']!.some((s) => s.startsWith("'sha256-"))).toBe(true);
  expect(d['connect-src']).toEqual(expect.arrayContaining(["'self'", 'https://tiles.immich.cloud']));
});
