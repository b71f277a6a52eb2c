// Stacked report-only candidates (src/proxy/stack.ts) and enforced ones sharing a pass
// (src/proxy/share.ts): the real CLI runs four report-only CSPs in one pass and two enforced
// candidates in another (split and re-run when not clean), then each alone (--no-stack --no-share),
// on the lab through the real proxy; every verdict and every new violation must be the same.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, writePolicy } from './helpers.js';
import type { Summary } from '../../src/report/model.js';

test.describe.configure({ timeout: 600_000 });

/** The baseline, each policy's verdict and its journeys' outcomes and new violations, without the run's own port. */
function outcome(summary: Summary): string[] {
  const violations = (list: { kind: string; directive: string; blockedUrl: string; source: string }[]) => list
    .map((v) => `${v.kind} ${v.directive} ${v.blockedUrl} ${v.source}`.replace(/127\.0\.0\.1:\d+/g, 'ORIGIN')).sort().join(', ');
  return [`baseline: ${summary.baseline.map((b) => `${b.journey}=${b.status} [${violations(b.violations)}]`).join(' ')}`, 
    ...summary.policies.map((p) => `${p.policy.name} ${p.verdict}: ${p.journeys.map((j) => `${j.journey}=${j.candidate} [${violations(j.newViolations)}]`).join(' ')}`)];
}

test('four report-only candidates and the baseline in one pass get the verdicts and violations each gets alone; two enforced ones sharing a pass that is not clean get what each gets alone', async ({}, testInfo) => {
  const dir = testInfo.outputPath('policies');
  const files = [
    writePolicy(dir, 'ro-scripts', { csp: { reportOnly: true, directives: { 'script-src': ["'self'"] } } }),
    writePolicy(dir, 'ro-images', { csp: { reportOnly: true, directives: { 'img-src': ["'self'"] } } }),
    writePolicy(dir, 'ro-connect', { csp: { reportOnly: true, directives: { 'connect-src': ["'self'"] } } }),
    writePolicy(dir, 'ro-roomy', { csp: { reportOnly: true, directives: { 'default-src': ["'self'", "'unsafe-inline'", "'wasm-unsafe-eval'", 'data:', 'blob:', 'https:'] } } }),
    writePolicy(dir, 'enforced-images', { csp: { directives: { 'img-src': ["'self'"] } } }),
    // Shares an enforced pass with enforced-images (src/proxy/share.ts); that pass is not clean (the
    // map's data: images), so both are split off and re-run against the baseline.
    writePolicy(dir, 'enforced-nosniff', { set: { 'X-Content-Type-Options': 'nosniff' } }),
  ];
  const run = async (name: string, extra: string[]) => {
    const out = testInfo.outputPath(name);
    const r = await runCli(['run', '--no-blame', '--no-screenshots', '--workers', '2', '--journeys', 'login,map,timeline', '--out', out, ...extra, '--policy', ...files]);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(1);
    return { stdout: r.stdout, summary: JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary };
  };
  const stacked = await run('stacked', []);
  const alone = await run('alone', ['--no-stack', '--no-share']);

  // One pass for the baseline and the four report-only candidates, one shared by the enforced ones,
  // then (it was not clean) a re-run of those two apart.
  expect(stacked.stdout).toContain('6 journey run(s): 2 project(s) × 3 journey(s)');
  expect(stacked.stdout).toContain('headerproof: a shared pass was not clean; re-running enforced-images, enforced-nosniff');
  expect(alone.stdout).toContain('21 journey run(s): 7 project(s) × 3 journey(s)');
  expect(stacked.summary.policies.find((p) => p.policy.name === 'ro-images')?.stackedWith).toEqual(['ro-scripts', 'ro-connect', 'ro-roomy']);
  expect(stacked.summary.policies.find((p) => p.policy.name === 'enforced-images')?.stackedWith).toBeUndefined();
  expect(alone.summary.policies.every((p) => !p.stackedWith)).toBe(true);

  expect(outcome(stacked.summary)).toEqual(outcome(alone.summary));
  const verdicts = Object.fromEntries(stacked.summary.policies.map((p) => [p.policy.name, p.verdict]));
  expect(verdicts).toEqual({ 'enforced-images': 'would-break', 'enforced-nosniff': 'safe', 'ro-connect': 'would-break', 'ro-images': 'would-break', 'ro-roomy': 'safe', 'ro-scripts': 'would-break' });
  // Each member's served header is its own, as it would be alone.
  const served = stacked.summary.policies.find((p) => p.policy.name === 'ro-images')!.policy.served;
  expect(served['content-security-policy-report-only']).toMatch(/^img-src 'self'; report-uri /);
  // The Markdown names the shared pass.
  expect(readFileSync(path.join(testInfo.outputPath('stacked'), 'summary.md'), 'utf8')).toMatch(/Report-only candidates .*shared one journey pass/);
});
