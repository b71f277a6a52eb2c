import { test, expect } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from './helpers.js';
import type { Summary } from '../../src/report/model.js';

const FIX = 'tests/fixtures/policies';

test('a malformed policy file exits 2 with file, field and fix, and no stack trace', async () => {
  const r = await runCli(['run', '--policy', `${FIX}/malformed.yaml`]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('malformed.yaml');
  expect(r.stderr).toContain('csp.directives.script-src[0]');
  expect(r.stderr).toContain(`"'self'"`);
  expect(r.stderr).not.toMatch(/\n\s+at \S+ \(/); // no stack frames
});

test('check validates without running', async () => {
  const ok = await runCli(['check', 'policies/bundle-a.yaml']);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('bundle-a.yaml: ok');
  const bad = await runCli(['check', 'policies/nope.yaml']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('no such file');
});

test('an unreachable target exits 3', async () => {
  const r = await runCli(['run', '--target', 'http://127.0.0.1:9', '--policy', `${FIX}/nosniff-no-powered-by.yaml`], { IMMICH_EMAIL: 'a@b.c', IMMICH_PASSWORD: 'x' });
  expect(r.code).toBe(3);
  expect(r.stderr).toContain('unreachable');
});

test('usage errors exit 2', async () => {
  expect((await runCli(['run', '--journeys', 'nope'])).stderr).toContain('unknown journey "nope"');
  expect((await runCli(['run', '--target', 'not a url'])).code).toBe(2);
  expect((await runCli(['frobnicate'])).code).toBe(2);
});

test.describe('verdicts through the real proxy and Chromium against the lab', () => {
  test.describe.configure({ timeout: 240_000 });

  test('report-only → would-break, enforced → breaks on login, nosniff → safe', async ({}, testInfo) => {
    const out = testInfo.outputPath('run');
    const r = await runCli(['run', '--out', out, '--journeys', 'login,timeline', '--policy',
      `${FIX}/csp-script-self-report-only.yaml`, `${FIX}/csp-script-self-enforced.yaml`, `${FIX}/nosniff-no-powered-by.yaml`]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.baseline.map((b) => [b.journey, b.status])).toEqual([['login', 'passed'], ['timeline', 'passed']]);
    const byName = Object.fromEntries(summary.policies.map((p) => [p.policy.name, p]));

    const ro = byName['csp-script-self-ro']!;
    expect(ro.verdict).toBe('would-break');
    const inline = ro.journeys.flatMap((j) => j.newViolations).filter((v) => v.blockedUrl === 'inline');
    expect(inline.length).toBeGreaterThanOrEqual(2); // theme + bootstrap, per journey
    expect(inline.every((v) => v.directive === 'script-src-elem' && v.disposition === 'report')).toBe(true);

    const enforced = byName['csp-script-self']!;
    expect(enforced.verdict).toBe('breaks');
    const login = enforced.journeys.find((j) => j.journey === 'login')!;
    expect([login.baseline, login.candidate]).toEqual(['passed', 'failed']);
    expect(login.error).toContain('the app did not boot');

    expect(byName['nosniff-no-powered-by']!.verdict).toBe('safe');
    expect(existsSync(path.join(out, 'index.html'))).toBe(true);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('| csp-script-self | ❌ breaks |');
  });
});

test('two policies with one name, or one named baseline, exit 2 naming the field', async () => {
  const r = await runCli(['run', '--policy', 'policies/bundle-a.yaml', 'policies/bundle-a.yaml']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/bundle-a\.yaml: invalid policy\n\s+- name: "bundle-a" is also the name of/);
  const b = await runCli(['run', '--policy', 'policies/baseline.yaml']);
  expect(b.code).toBe(2);
  expect(b.stderr).toContain('"baseline" is reserved');
});
