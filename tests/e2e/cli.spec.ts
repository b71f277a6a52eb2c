import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, runCli, runPlaywright } from './helpers.js';
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

test('a config mistake stops the CLI and `npx playwright test` with exit 2, naming file and field', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'headerproof-cli-config-'));
  const file = path.join(dir, 'headerproof.config.json');
  writeFileSync(file, JSON.stringify({ target: 'https://photos.example.org', insecure: 'yes' }));
  for (const r of [await runCli(['run'], { HEADERPROOF_CONFIG: file }), await runCli(['seed'], { HEADERPROOF_CONFIG: file })]) {
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: invalid configuration`);
    expect(r.stderr).toContain('insecure: must be true or false');
    expect(r.stderr).not.toMatch(/\n\s+at \S+ \(/);
  }
  const pw = await runPlaywright(['test', '--list'], { HEADERPROOF_CONFIG: file });
  expect(pw.code).toBe(2);
  expect(pw.stderr).toContain('insecure: must be true or false');
  // An unreachable staging host is exit 3 before any browser starts; an untrusted certificate says how to fix it.
  writeFileSync(file, JSON.stringify({ target: 'https://127.0.0.1:9', credentials: { email: 'a@b.c', password: 'x' } }));
  const down = await runCli(['run'], { HEADERPROOF_CONFIG: file });
  expect(down.code).toBe(3);
  expect(down.stderr).toContain('target https://127.0.0.1:9 unreachable: ECONNREFUSED');
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
    // Fail fast names the blocked bootstrap when it closes the page first; else the journey's own check.
    expect(login.error).toMatch(/the app (cannot boot: the enforced CSP \(script-src-elem\) blocks its inline bootstrap|did not boot)/);

    expect(byName['nosniff-no-powered-by']!.verdict).toBe('safe');
    expect(existsSync(path.join(out, 'index.html'))).toBe(true);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('| csp-script-self | ❌ breaks |');
  });
});

test('two policies with one name, or a policy that changes headers named baseline, exit 2 naming the field', async ({}, testInfo) => {
  const r = await runCli(['run', '--policy', 'policies/bundle-a.yaml', 'policies/bundle-a.yaml']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/bundle-a\.yaml: invalid policy\n\s+- name: "bundle-a" is also the name of/);
  const file = testInfo.outputPath('baseline.yaml');
  writeFileSync(file, 'name: baseline\ndescription: not the no-policy run\nset:\n  X-Content-Type-Options: nosniff\n');
  const b = await runCli(['run', '--policy', file]);
  expect(b.code).toBe(2);
  expect(b.stderr).toContain('"baseline" is reserved for the no-policy run (which changes no header)');
});

test('naming the shipped baseline file runs the baseline alone: exit 0, a report, no policies', async ({}, testInfo) => {
  const out = testInfo.outputPath('run');
  const r = await runCli(['run', '--out', out, '--no-screenshots', '--policy', 'policies/baseline.yaml', '--journeys', 'login,timeline']);
  expect(r.code, r.stdout.slice(-2000) + r.stderr).toBe(0);
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
  expect(summary.policies).toEqual([]);
  expect(summary.baseline.map((b) => [b.journey, b.status])).toEqual([['login', 'passed'], ['timeline', 'passed']]);
  expect(existsSync(path.join(out, 'index.html'))).toBe(true);
});

test('--phone: the journeys also run in a phone-sized browser, reported as journey@phone within each policy', async ({}, testInfo) => {
  test.setTimeout(240_000); // two browsers' worth of journeys on a loaded 2-core CI machine
  const out = testInfo.outputPath('run');
  const r = await runCli(['run', '--out', out, '--phone', '--no-blame', '--policy', 'policies/bundle-c.yaml', '--journeys', 'timeline,api-clients']);
  expect(r.code, r.stdout.slice(-2000) + r.stderr).toBe(0);
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
  // api-clients has no page: it runs once, on no device.
  expect(summary.baseline.map((b) => [b.journey, b.status])).toEqual([['api-clients', 'passed'], ['timeline', 'passed'], ['timeline@phone', 'passed']]);
  expect(summary.policies.map((p) => [p.policy.name, p.verdict, p.journeys.map((j) => j.journey).join(',')])).toEqual([['bundle-c', 'safe', 'api-clients,timeline,timeline@phone']]);
  // The phone run really was phone-sized: its screenshot is 412 CSS px × the Pixel 7's pixel ratio wide.
  const width = (rel: string) => readFileSync(path.join(out, rel)).readUInt32BE(16);
  const phone = summary.policies[0]!.journeys.find((j) => j.journey === 'timeline@phone')!;
  const desktop = summary.policies[0]!.journeys.find((j) => j.journey === 'timeline')!;
  expect(width(phone.screenshot!)).toBe(Math.round(412 * 2.625));
  expect(width(desktop.screenshot!)).toBe(1280);
});

test('`lab --tls-name` is a stand-in staging host: what it prints to export is enough for seed', async () => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEST_|PW_TEST|PLAYWRIGHT_|FORCE_COLOR|HEADERPROOF_|IMMICH_)/.test(k)));
  const lab = spawn(process.execPath, ['bin/headerproof.mjs', 'lab', '--tls-name', 'photos.trial.test'], { cwd: ROOT, env: clean });
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      lab.stdout.on('data', (d) => { out += d; if (out.includes('Ctrl-C')) resolve(); });
      lab.on('exit', () => reject(new Error(`lab exited: ${out}`)));
    });
    const exported = Object.fromEntries([...out.matchAll(/export (\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(exported).sort()).toEqual(['HEADERPROOF_CA_FILE', 'HEADERPROOF_CONNECT_TO', 'HEADERPROOF_TARGET', 'IMMICH_EMAIL', 'IMMICH_PASSWORD']);
    expect(exported.HEADERPROOF_TARGET).toBe('https://photos.trial.test');
    const seeded = await runCli(['seed'], exported);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toContain('seeded 6 asset(s) (6 new, 0 already there) into the album "headerproof samples"');
    const again = await runCli(['seed'], exported);
    expect(again.stdout).toContain('(0 new, 6 already there)');
  } finally {
    lab.kill('SIGINT');
  }
});
