// A half-working target: the lab reached as a staging host (so the browser has no way to its map
// tile origin and the map journey fails without any policy). What a policy does to the journeys
// that do work must still be decided — a break is a break (exit 1), a skip never hides a failure —
// and the baseline's failure must come with what to do about it.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startLab, type LabTarget } from '../../src/apps/immich/lab/server.js';
import { ROOT, runCli, writePolicy } from './helpers.js';
import type { Summary } from '../../src/report/model.js';

let lab: LabTarget;
test.beforeAll(async () => { lab = await startLab(); });
test.afterAll(async () => { await lab?.close(); });
test.describe.configure({ mode: 'serial', timeout: 300_000 });

const env = () => ({ HEADERPROOF_TARGET: lab.url, IMMICH_EMAIL: lab.credentials.email, IMMICH_PASSWORD: lab.credentials.password });
const summaryOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;


test('naming the shipped baseline runs the baseline alone; a failing baseline exits 3 with advice', async ({}, testInfo) => {
  const out = testInfo.outputPath('run');
  const r = await runCli(['run', '--out', out, '--policy', 'policies/baseline.yaml', '--journeys', 'login,map'], env());
  expect(r.code, r.stdout.slice(-2000) + r.stderr).toBe(3);
  const summary = summaryOf(out);
  expect(summary.policies).toEqual([]);
  expect(summary.app).toMatchObject({ shape: lab.shape.name, supported: true });
  expect(summary.baseline.map((b) => [b.journey, b.status])).toEqual([['login', 'passed'], ['map', 'failed']]);
  const [advice] = summary.baselineAdvice!;
  expect(advice).toMatchObject({ journey: 'map', status: 'failed' });
  expect(advice!.what).toBe('no style or tiles loaded from https://tiles.immich.cloud');
  expect(advice!.screenshot).toBeTruthy();
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  expect(html).toContain('Journeys that do not pass without any policy');
  expect(html).toContain(`Immich ${summary.app!.version}`);
  expect(html).toMatch(/<img src="data:image\/png;base64,[^"]+" alt="baseline map">/);
});

test('with part of the baseline failing: a break still breaks (exit 1), reported violations still would-break, the rest is inconclusive', async ({}, testInfo) => {
  const dir = testInfo.outputPath('policies');
  const files = [
    // Stops the timeline's API calls: the grid renders but never shows a cell. Never a skip.
    writePolicy(dir, 'blank-grid', { csp: { directives: { 'connect-src': ["'none'"] } } }),
    writePolicy(dir, 'bootstrap-ro', { csp: { reportOnly: true, directives: { 'script-src': ["'self'"] } } }),
    writePolicy(dir, 'nosniff', { set: { 'X-Content-Type-Options': 'nosniff' } }),
  ];
  const out = testInfo.outputPath('run');
  const r = await runCli(['run', '--out', out, '--no-blame', '--journeys', 'timeline,map', '--policy', 'policies/baseline.yaml', ...files], env());
  expect(r.code, r.stdout.slice(-2000) + r.stderr).toBe(1);
  const summary = summaryOf(out);
  const verdict = (name: string) => summary.policies.find((p) => p.policy.name === name)!;
  expect(summary.policies.map((p) => p.policy.name)).toEqual(['blank-grid', 'bootstrap-ro', 'nosniff']);

  const blank = verdict('blank-grid');
  expect(blank.verdict).toBe('breaks');
  const timeline = blank.journeys.find((j) => j.journey === 'timeline')!;
  expect([timeline.baseline, timeline.candidate]).toEqual(['passed', 'failed']);
  expect(timeline.error).toContain('the grid shows no asset although the library has some');
  expect(blank.reasons.join(' | ')).toContain('map fails on the baseline too');

  expect(verdict('bootstrap-ro').verdict).toBe('would-break');
  expect(verdict('nosniff').verdict).toBe('inconclusive');
  expect(verdict('nosniff').reasons).toEqual([expect.stringContaining('map fails on the baseline too')]);

  // The matrix shows the baseline only where it differs; breaks come first.
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  const matrix = html.slice(html.indexOf('<h2>Verdicts</h2>'), html.indexOf('<h2>Baseline'));
  expect([...matrix.matchAll(/<a href="#policy-([^"]+)">/g)].map((m) => m[1])).toEqual(['blank-grid', 'bootstrap-ro', 'nosniff']);
  expect(matrix.match(/\(baseline /g)).toHaveLength(1); // blank-grid × timeline: failed (baseline passed)
  // Policy files inside the project are named relative to it, not by an absolute local path.
  expect(blank.policy.file).toBe(path.relative(ROOT, files[0]!));
});
