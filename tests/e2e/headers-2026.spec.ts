// 2026's headers through the real CLI, proxy and browsers against the lab (issue 38): Integrity-Policy
// blocks the app's scripts, which carry no `integrity` (as Immich's do not), so enforced it breaks the
// login in both engines and names Integrity-Policy; its report-only twin would break; a header
// headerproof does not model is served as written, with a warning, not refused; Document-Isolation-Policy
// is safe for the login in Chromium and said to be unenforced in Firefox.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, writePolicy } from './helpers.js';
import type { Summary } from '../../src/report/model.js';

test('Integrity-Policy breaks an app whose scripts carry no integrity, in Chromium and Firefox; the report-only twin would break; an unmodelled header is served with a warning', async () => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hp-headers-2026-'));
  const files = [
    writePolicy(dir, 'integrity', { set: { 'Integrity-Policy': 'blocked-destinations=(script)' } }),
    writePolicy(dir, 'integrity-ro', { set: { 'Integrity-Policy-Report-Only': 'blocked-destinations=(script)' } }),
    writePolicy(dir, 'unmodelled', { set: { 'X-Headerproof-Probe': 'on' } }),
    // Per-document isolation (Chromium only): the login needs nothing from another origin.
    writePolicy(dir, 'dip', { set: { 'Document-Isolation-Policy': 'isolate-and-credentialless' } }),
  ];
  const check = await runCli(['check', ...files]);
  expect(check.code, check.stderr).toBe(0);
  const out = path.join(dir, 'run');
  const r = await runCli(['run', '--journeys', 'login', '--browsers', 'chromium,firefox', '--workers', '2', '--no-blame', '--no-share', '--out', out, '--policy', ...files]);
  const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
  const p = (name: string) => s.policies.find((x) => x.policy.name === name)!;
  expect(s.baseline.map((b) => b.status), r.stdout + r.stderr).toEqual(['passed', 'passed']);
  expect(p('integrity').verdict, p('integrity').reasons.join('; ')).toBe('breaks');
  expect(p('integrity').journeys.filter((j) => j.candidate === 'failed').map((j) => j.journey).sort()).toEqual(['login', 'login@firefox']);
  for (const j of p('integrity').journeys) {
    expect(j.newViolations.some((v) => v.kind === 'integrity-policy' && v.directive === 'script' && v.disposition === 'enforce'), `${j.journey} names Integrity-Policy`).toBe(true);
  }
  expect(p('integrity-ro').verdict, p('integrity-ro').reasons.join('; ')).toBe('would-break');
  for (const j of p('integrity-ro').journeys) {
    expect(j.candidate).toBe('passed');
    expect(j.newViolations.some((v) => v.kind === 'integrity-policy' && v.disposition === 'report'), `${j.journey} reports Integrity-Policy`).toBe(true);
  }
  expect(p('integrity-ro').warnings.join('\n')).toContain('names no endpoints: Firefox then reports nothing');
  expect(p('unmodelled').verdict).toBe('safe');
  expect(p('unmodelled').warnings.join('\n')).toContain('X-Headerproof-Probe is not a header headerproof models');
  expect(p('dip').verdict, p('dip').reasons.join('; ')).toBe('safe');
  expect(p('dip').reasons.join('\n')).toMatch(/Firefox [\d.]+ does not enforce Document-Isolation-Policy: its journeys there prove nothing about it/);
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  expect(html).toContain('integrity-policy');
  expect(html).toContain('integrity=');
  expect(r.code).toBe(1);
});

test('Trusted Types: enforced it breaks the map (maplibre-gl starts its worker from a plain blob URL) in Chromium and Firefox, each sink its own finding with the app\'s fix; report-only it would break', async () => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hp-trusted-types-'));
  const files = [
    writePolicy(dir, 'tt', { csp: { directives: { 'require-trusted-types-for': ["'script'"] } } }),
    writePolicy(dir, 'tt-ro', { csp: { reportOnly: true, directives: { 'require-trusted-types-for': ["'script'"] } } }),
  ];
  const out = path.join(dir, 'run');
  const r = await runCli(['run', '--journeys', 'map', '--browsers', 'chromium,firefox', '--workers', '2', '--no-blame', '--no-share', '--out', out, '--policy', ...files]);
  const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
  const p = (name: string) => s.policies.find((x) => x.policy.name === name)!;
  expect(s.baseline.map((b) => b.status), r.stdout + r.stderr).toEqual(['passed', 'passed']);
  expect(p('tt').verdict, p('tt').reasons.join('; ')).toBe('breaks');
  expect(p('tt').journeys.filter((j) => j.candidate === 'failed').map((j) => j.journey).sort()).toEqual(['map', 'map@firefox']);
  for (const j of p('tt').journeys) {
    const sinks = j.violations.filter((v) => v.blockedUrl === 'trusted-types-sink').map((v) => v.sample.split('|')[0]).sort();
    expect(sinks, `${j.journey}: each sink its own finding`).toEqual(['ServiceWorkerContainer register', 'Worker constructor']);
  }
  const worker = p('tt').suggestions.find((x) => x.fix.includes('Worker constructor'));
  expect(worker?.fix).toMatch(/^keep require-trusted-types-for 'script' report-only \(or drop it\): the Trusted Types sink Worker constructor called from \S+maplibre-gl\.[\w-]+\.js:\d+:\d+ gets a plain string \(blob:/);
  expect(p('tt-ro').verdict, p('tt-ro').reasons.join('; ')).toBe('would-break');
  expect(r.code).toBe(1);
  // The report escapes the sample (a page's own text) and shows the fix.
  expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('the Trusted Types sink Worker constructor');
});
