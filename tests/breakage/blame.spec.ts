// Explaining breakage: blame names the header (or CSP directive / Permissions-Policy feature),
// a fix is suggested with its cost, the HTML report shows it all with screenshots (looked at in
// Chromium here, screenshot attached), and diff tells two runs apart across an app upgrade.
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { runCli } from '../e2e/helpers.js';
import { chromiumLaunchOptions } from '../../src/harness/browser.js';
import { startLab } from '../../src/apps/immich/lab/server.js';
import { extractInlineBlocks } from '../../src/proxy/inline-scripts.js';
import type { Summary } from '../../src/report/model.js';

test.describe.configure({ mode: 'serial', timeout: 600_000 });
test.use({ launchOptions: chromiumLaunchOptions() });

const FIX = 'tests/fixtures/policies';

// Blame one part at a time is proven in tests/e2e/firefox.spec.ts (both engines); this run bisects.
test('blame (bisected) and suggested fixes for fullscreen=() and a CSP without blob: workers', async ({ page }, testInfo) => {
  const out = testInfo.outputPath('run');
  const r = await runCli(['run', '--out', out, '--workers', '2', '--bisect', '--journeys', 'map,slideshow', '--policy', `${FIX}/bundle-c-fullscreen-denied.yaml`, `${FIX}/csp-no-blob-worker.yaml`]);
  expect(r.code, r.stdout + r.stderr).toBe(1);
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
  const byName = Object.fromEntries(summary.policies.map((p) => [p.policy.name, p]));

  const c = byName['bundle-c-fullscreen-denied']!;
  expect(c.verdict).toBe('breaks');
  // 5 parts (four features and Referrer-Policy): halves of 3 and 2, then fullscreen alone.
  expect(c.blame).toEqual([{ journey: 'slideshow', blamed: ['Permissions-Policy: fullscreen=()'], bisection: { parts: 5, rounds: 2, reruns: 4 } }]);
  expect(c.suggestions.map((s) => s.fix)).toContain('Permissions-Policy: fullscreen=(self)');

  // 16 parts: bisected (halves of 8, 4, 2, then worker-src alone).
  const w = byName['csp-no-blob-worker']!;
  expect(w.blame).toEqual([{ journey: 'map', blamed: ["Content-Security-Policy: worker-src 'self'"], bisection: { parts: 16, rounds: 4, reruns: 8 } }]);
  expect(r.stdout).toContain('blame: csp-no-blob-worker: re-running map bisecting its 16 parts');
  const fix = w.suggestions.find((s) => s.directive === 'worker-src')!;
  expect(fix.fix).toBe("worker-src 'self' blob:");
  expect(fix.cost).toMatch(/^medium: /);

  // The report, as a reviewer sees it.
  await page.goto(`file://${path.join(out, 'index.html')}`);
  await expect(page.locator('#policy-csp-no-blob-worker')).toContainText("caused by Content-Security-Policy: worker-src 'self'");
  await expect(page.locator('#policy-csp-no-blob-worker')).toContainText("worker-src 'self' blob:");
  await expect(page.locator('#policy-csp-no-blob-worker')).toContainText('bisected: 16 parts, 4 rounds, 8 journey re-runs');
  const shots = page.locator('#policy-csp-no-blob-worker .shots img');
  await expect(shots).toHaveCount(2);
  expect(await shots.evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
  await testInfo.attach('report.png', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  expect(readFileSync(path.join(out, 'summary.md'), 'utf8').length).toBeLessThan(3000);
});

test('--no-screenshots keeps screenshots out of the report', async ({}, testInfo) => {
  const out = testInfo.outputPath('run');
  await runCli(['run', '--out', out, '--journeys', 'login', '--no-screenshots', '--policy', `${FIX}/csp-script-self-enforced.yaml`]);
  expect(existsSync(path.join(out, 'screenshots'))).toBe(false);
  expect(readFileSync(path.join(out, 'index.html'), 'utf8')).not.toContain('data:image/png');
});

test('diff: an app upgrade that changes the bootstrap script shows up as a regression', async ({}, testInfo) => {
  // A policy with the hashes of the lab's current inline scripts.
  const lab = await startLab();
  const html = await (await fetch(`${lab.url}/auth/login`)).text();
  await lab.close();
  const hashes = extractInlineBlocks(html, '/auth/login').filter((b) => b.kind === 'script').map((b) => b.hash);
  const policyFile = testInfo.outputPath('hashed.yaml');
  writeFileSync(policyFile, YAML.stringify({ name: 'hashed', description: 'script hashes of this build', csp: { reportOnly: true, directives: { 'script-src': ["'self'", "'wasm-unsafe-eval'", ...hashes] } } }));
  const before = testInfo.outputPath('before');
  const after = testInfo.outputPath('after');
  await runCli(['run', '--out', before, '--journeys', 'login', '--policy', policyFile]);
  await runCli(['run', '--out', after, '--journeys', 'login', '--policy', policyFile], { HEADERPROOF_LAB_BUILD: 'UpgradedBuild2' });
  const d = await runCli(['diff', before, after]);
  expect(d.code).toBe(1);
  expect(d.stdout).toContain('verdict  hashed: safe → would-break');
  expect(d.stdout).toMatch(/\+ hashed {2}login: csp script-src-elem inline \(report\) at \(self\)\/auth\/login:\d+/); // line only: a column of 0 means unknown
  const same = await runCli(['diff', before, before, '--json']);
  expect(same.code).toBe(0);
  expect(JSON.parse(same.stdout).regressed).toBe(false);
  expect((await runCli(['diff', before, 'nope/summary.json'])).stderr).toContain('no such summary.json');
});
