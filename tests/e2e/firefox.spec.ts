// A second engine: the real CLI runs the lab in Chromium and in Firefox (Debian's firefox-esr over
// WebDriver BiDi) through the real proxy; verdicts per engine and overall, in every report.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, writePolicy } from './helpers.js';
import type { Summary } from '../../src/report/model.js';

test.describe.configure({ timeout: 600_000 });


test('--browsers chromium,firefox: the baseline passes in both; worker-src without blob: breaks the map in both; fullscreen=() breaks Chromium and is not enforced by Firefox', async ({}, testInfo) => {
  const out = testInfo.outputPath('run');
  const policies = testInfo.outputPath('policies');
  const worker = writePolicy(policies, 'worker-no-blob', { csp: { directives: { 'script-src': ["'self'", "'unsafe-inline'", "'wasm-unsafe-eval'"], 'worker-src': ["'self'"] } } });
  const fullscreen = writePolicy(policies, 'fullscreen-denied', { set: { 'Permissions-Policy': 'fullscreen=()' } });
  const r = await runCli(['run', '--browsers', 'chromium,firefox', '--journeys', 'map,slideshow,websocket', '--workers', '2', '--out', out, '--policy', worker, fullscreen]);
  expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(1);
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;

  expect(summary.browsers?.map((b) => b.browser)).toEqual(['chromium', 'firefox']);
  expect(summary.browsers?.find((b) => b.browser === 'firefox')?.version).toMatch(/^\d+\.\d+/);
  expect(summary.baseline.map((b) => `${b.journey} ${b.browser} ${b.status}`)).toEqual([
    'map chromium passed', 'map@firefox firefox passed', 'slideshow chromium passed', 'slideshow@firefox firefox passed',
    'websocket chromium passed', 'websocket@firefox firefox passed',
  ]);

  const w = summary.policies.find((p) => p.policy.name === 'worker-no-blob')!;
  expect(w.verdict).toBe('breaks');
  expect(w.engines?.map((e) => `${e.browser} ${e.verdict}`)).toEqual(['chromium breaks', 'firefox breaks']);
  expect(w.journeys.filter((j) => j.candidate === 'failed').map((j) => j.journey)).toEqual(['map', 'map@firefox']);
  // Each engine saw the blocked blob: worker itself (event or report), not only a console line.
  for (const journey of ['map', 'map@firefox']) {
    const seen = w.journeys.find((j) => j.journey === journey)!.newViolations;
    expect(seen.some((v) => v.directive === 'worker-src' && v.blockedUrl === 'blob' && v.channels.some((c) => c === 'event' || c === 'report')), journey).toBe(true);
  }
  // Blame re-ran each engine's failing journey in that engine and found the same part.
  expect(w.blame?.map((b) => `${b.journey}: ${b.blamed.join(' + ')}`)).toEqual([
    "map: Content-Security-Policy: worker-src 'self'",
    "map@firefox: Content-Security-Policy: worker-src 'self'",
  ]);

  const f = summary.policies.find((p) => p.policy.name === 'fullscreen-denied')!;
  expect(f.verdict).toBe('breaks');
  expect(f.engines).toEqual([
    expect.objectContaining({ browser: 'chromium', verdict: 'breaks', notEnforced: [] }),
    expect.objectContaining({ browser: 'firefox', verdict: 'safe', notEnforced: ['Permissions-Policy'] }),
  ]);
  expect(f.journeys.filter((j) => j.candidate === 'failed').map((j) => j.journey)).toEqual(['slideshow']);
  expect(f.reasons.join('\n')).toMatch(/Firefox \d[\d.]* does not enforce Permissions-Policy: its journeys there prove nothing about it/);

  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  expect(html).toContain('<th>Chromium</th><th>Firefox</th>');
  expect(html).toContain('not enforced: Permissions-Policy');
  expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/Firefox ✅ safe, does not enforce Permissions-Policy/);
  // The two shared a first pass (src/proxy/share.ts), which was not clean: each re-ran alone, and the
  // re-run's JUnit names each engine's project.
  expect(readFileSync(path.join(out, 'junit.xml'), 'utf8')).toContain('shared pass 1 · firefox');
  expect(readFileSync(path.join(out, 'split-1', 'junit.xml'), 'utf8')).toContain('fullscreen-denied · firefox');
  expect(r.stdout).toContain('the engines differ: Chromium breaks, Firefox safe');
});

test('--browsers: WebKit, typos and a missing Firefox each get one clear error, exit 2', async ({}, testInfo) => {
  const webkit = await runCli(['run', '--browsers', 'chromium,webkit', '--out', testInfo.outputPath('a')]);
  expect(webkit.code).toBe(2);
  expect(webkit.stderr).toContain('--browsers: unknown browser "webkit" (WebKit cannot run here');
  expect(webkit.stderr).not.toMatch(/\n\s+at /);
  const missing = await runCli(['run', '--browsers', 'firefox', '--journeys', 'login', '--out', testInfo.outputPath('b')], { HEADERPROOF_FIREFOX: '/nonexistent/firefox' });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('/nonexistent/firefox does not exist (HEADERPROOF_FIREFOX)');
  const env = await runCli(['run', '--journeys', 'login', '--out', testInfo.outputPath('c')], { HEADERPROOF_BROWSERS: 'safari' });
  expect(env.code).toBe(2);
  expect(env.stderr).toContain('HEADERPROOF_BROWSERS (--browsers)');
});
