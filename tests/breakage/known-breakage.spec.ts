// The known-breakage table (shared/immich-web-facts.md, "Known breakage"): for each header that is
// known to break Immich, the verdict and the failing journey (or the reported directive) that the
// real app would show, in report-only and in enforced mode. Benign policies must stay safe.
// Runs the real CLI: proxy, lab target and Chromium, one baseline for all rows.
import { test, expect } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { runCli } from '../e2e/helpers.js';
import type { PolicyVerdict, Summary, Verdict } from '../../src/report/model.js';

interface Expectation {
  verdict: Verdict;
  /** breaks: the journey that must fail (others may fail too). */
  failing?: string;
  /** would-break: a new violation that must be named (kind, directive, blocked target). */
  names?: { kind: string; directive: string; blocked: string; journey: string };
}

interface Row {
  name: string;
  what: string;
  policy: { set?: Record<string, string>; remove?: string[]; csp?: { reportOnly?: boolean; directives: Record<string, string[]> } };
  expect: Expectation;
}

// Scripts may run inline in the rows that test something else, so only that one thing breaks.
const INLINE_OK = { 'script-src': ["'self'", "'unsafe-inline'"] };

const ROWS: Row[] = [
  { name: 'bootstrap-blocked-ro', what: "report-only script-src 'self': the inline bootstrap is reported",
    policy: { csp: { reportOnly: true, directives: { 'script-src': ["'self'"] } } },
    expect: { verdict: 'would-break', names: { kind: 'csp', directive: 'script-src-elem', blocked: 'inline', journey: 'login' } } },
  { name: 'bootstrap-blocked', what: "script-src 'self' without the bootstrap hash: the app never boots",
    policy: { csp: { directives: { 'script-src': ["'self'"] } } },
    expect: { verdict: 'breaks', failing: 'login' } },
  { name: 'blob-worker-blocked-ro', what: 'report-only worker-src without blob:: the map worker is reported',
    policy: { csp: { reportOnly: true, directives: { ...INLINE_OK, 'worker-src': ["'self'"] } } },
    expect: { verdict: 'would-break', names: { kind: 'csp', directive: 'worker-src', blocked: 'blob', journey: 'map' } } },
  { name: 'blob-worker-blocked', what: 'worker-src without blob:: the map stays blank',
    policy: { csp: { directives: { ...INLINE_OK, 'worker-src': ["'self'"] } } },
    expect: { verdict: 'breaks', failing: 'map' } },
  { name: 'tiles-not-in-connect-src-ro', what: 'report-only connect-src without the tile origin',
    policy: { csp: { reportOnly: true, directives: { 'connect-src': ["'self'"] } } },
    expect: { verdict: 'would-break', names: { kind: 'csp', directive: 'connect-src', blocked: 'https://tiles.immich.cloud', journey: 'map' } } },
  { name: 'tiles-not-in-connect-src', what: 'connect-src without the tile origin: the map style fails, map blank',
    policy: { csp: { directives: { 'connect-src': ["'self'"] } } },
    expect: { verdict: 'breaks', failing: 'map' } },
  { name: 'data-images-blocked-ro', what: 'report-only img-src without data:/blob:',
    policy: { csp: { reportOnly: true, directives: { 'img-src': ["'self'"] } } },
    expect: { verdict: 'would-break', names: { kind: 'csp', directive: 'img-src', blocked: 'data', journey: 'map' } } },
  { name: 'data-images-blocked', what: 'img-src without data:/blob:: map icons and face crops blocked, thumbnails still work',
    policy: { csp: { directives: { 'img-src': ["'self'"] } } },
    expect: { verdict: 'would-break', names: { kind: 'csp', directive: 'img-src', blocked: 'data', journey: 'map' } } },
  { name: 'fullscreen-denied', what: 'Permissions-Policy fullscreen=(): the map fullscreen control fails',
    policy: { set: { 'Permissions-Policy': 'fullscreen=()' } },
    expect: { verdict: 'breaks', failing: 'map' } },
  { name: 'corp-same-origin', what: "CORP same-origin: nothing on Immich's own pages",
    policy: { set: { 'Cross-Origin-Resource-Policy': 'same-origin' } },
    expect: { verdict: 'safe' } },
  { name: 'framing-denied', what: 'frame-ancestors none / XFO DENY: only embedding breaks',
    policy: { set: { 'X-Frame-Options': 'DENY' }, csp: { directives: { 'frame-ancestors': ["'none'"] } } },
    expect: { verdict: 'safe' } },
  { name: 'benign-nosniff', what: 'nosniff and no X-Powered-By',
    policy: { set: { 'X-Content-Type-Options': 'nosniff' }, remove: ['X-Powered-By'] },
    expect: { verdict: 'safe' } },
];

// upgrade-insecure-requests needs the app reached under a non-loopback name (loopback is exempt).
const UIR_ROWS: Row[] = [
  { name: 'uir-ro', what: 'report-only upgrade-insecure-requests is ignored by browsers',
    policy: { csp: { reportOnly: true, directives: { 'upgrade-insecure-requests': [] } } },
    expect: { verdict: 'safe' } },
  { name: 'uir', what: 'upgrade-insecure-requests over plain HTTP: every subresource upgraded, endless spinner',
    policy: { csp: { directives: { 'upgrade-insecure-requests': [] } } },
    expect: { verdict: 'breaks', failing: 'login' } },
];

function writePolicies(dir: string, rows: Row[]): string[] {
  mkdirSync(dir, { recursive: true });
  return rows.map((row) => {
    const file = path.join(dir, `${row.name}.yaml`);
    writeFileSync(file, YAML.stringify({ name: row.name, description: row.what, ...row.policy }));
    return file;
  });
}

function check(row: Row, p: PolicyVerdict | undefined): void {
  expect(p, `${row.name}: no verdict`).toBeDefined();
  expect(p!.verdict, `${row.name} (${row.what}): ${p!.reasons.join(' | ')}`).toBe(row.expect.verdict);
  if (row.expect.failing) {
    const j = p!.journeys.find((x) => x.journey === row.expect.failing);
    expect([j?.baseline, j?.candidate], `${row.name}: ${row.expect.failing} should pass on the baseline and fail with the policy`).toEqual(['passed', 'failed']);
  }
  if (row.expect.names) {
    const { kind, directive, blocked, journey } = row.expect.names;
    const found = p!.journeys.find((x) => x.journey === journey)?.newViolations
      .some((v) => v.kind === kind && v.directive === directive && v.blockedUrl === blocked);
    expect(found, `${row.name}: expected a new ${kind} ${directive} ${blocked} violation in ${journey}`).toBe(true);
  }
}

async function runTable(rows: Row[], out: string, extra: string[]): Promise<Summary> {
  const files = writePolicies(path.join(out, 'policies'), rows);
  const r = await runCli(['run', '--out', out, ...extra, '--policy', ...files]);
  expect([0, 1], r.stdout.slice(-3000) + r.stderr).toContain(r.code);
  return JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
}

test.describe.configure({ mode: 'serial', timeout: 600_000 });

test('known breakage: each header gets the verdict and failing journey the real app would show', async ({}, testInfo) => {
  const summary = await runTable(ROWS, testInfo.outputPath('run'), ['--workers', '2', '--journeys', 'login,timeline,map']);
  expect(summary.baseline.filter((b) => b.status !== 'passed'), 'the baseline must pass every journey').toEqual([]);
  for (const row of ROWS) check(row, summary.policies.find((p) => p.policy.name === row.name));
});

test('known breakage: upgrade-insecure-requests, with the app reached by host name', async ({}, testInfo) => {
  const summary = await runTable(UIR_ROWS, testInfo.outputPath('run'), ['--workers', '2', '--browser-host', 'immich.lab.test', '--journeys', 'login,timeline']);
  for (const row of UIR_ROWS) check(row, summary.policies.find((p) => p.policy.name === row.name));
  const enforced = summary.policies.find((p) => p.policy.name === 'uir')!;
  expect(enforced.warnings.join()).toContain('upgrade-insecure-requests on a plain-HTTP target');
});
