// The known-breakage table (shared/immich-web-facts.md, "Known breakage"): for each header that is
// known to break Immich, the verdict and the failing journey (or the reported directive) that the
// real app would show, in report-only and in enforced mode. Benign policies must stay safe.
// Runs the real CLI: proxy, lab target and Chromium, one baseline for all rows.
import { test, expect } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { runCli } from '../e2e/helpers.js';
import type { PolicyVerdict, Summary, Verdict } from '../../src/report/model.js';
import { SHAPES, shapeFor, type VersionShape } from '../../src/apps/immich/versions/index.js';
import { parseServerVersion } from '../../src/apps/immich/version.js';
import type { Engine } from '../../src/harness/engines.js';

interface Expectation {
  verdict: Verdict;
  /** breaks: the journeys that must fail (and no other journey may fail). */
  failing?: string[];
  /** would-break: a new violation that must be named (kind, directive, blocked target). */
  names?: { kind: string; directive: string; blocked: string; journey: string };
  /** Headers the engine's verdict must name as not enforced. */
  notEnforced?: string[];
}

interface Row {
  name: string;
  what: string;
  policy: { set?: Record<string, string>; remove?: string[]; csp?: { reportOnly?: boolean; directives: Record<string, string[]> } };
  expect: Expectation;
  /** Where Firefox differs (measured on Firefox ESR 153, tests below): its own expectation. */
  firefox?: Expectation;
  /** The Firefox expectation holds only when the tile server is another site than the app. */
  firefoxWhenTilesCrossSite?: boolean;
}

/** Stands for the map's tile origin: tiles.immich.cloud on the lab, the server's style origin on a real target. */
const TILE_ORIGIN = '<tile origin>';

// Scripts may run inline in the rows that test something else, so only that one thing breaks.
const INLINE_OK = { 'script-src': ["'self'", "'unsafe-inline'", "'wasm-unsafe-eval'"] };

const ROWS: Row[] = [
  { name: 'bootstrap-blocked-ro', what: "report-only script-src 'self': the inline bootstrap is reported",
    policy: { csp: { reportOnly: true, directives: { 'script-src': ["'self'"] } } },
    expect: { verdict: 'would-break', names: { kind: 'csp', directive: 'script-src-elem', blocked: 'inline', journey: 'login' } } },
  { name: 'bootstrap-blocked', what: "script-src 'self' without the bootstrap hash: the app never boots",
    policy: { csp: { directives: { 'script-src': ["'self'"] } } },
    expect: { verdict: 'breaks', failing: ['login', 'map', 'share-link', 'slideshow', 'timeline', 'upload'] } },
  { name: 'blob-worker-blocked-ro', what: 'report-only worker-src without blob:: the map worker is reported',
    policy: { csp: { reportOnly: true, directives: { ...INLINE_OK, 'worker-src': ["'self'"] } } },
    expect: { verdict: 'would-break', names: { kind: 'csp', directive: 'worker-src', blocked: 'blob', journey: 'map' } } },
  { name: 'blob-worker-blocked', what: 'worker-src without blob:: the map stays blank',
    policy: { csp: { directives: { ...INLINE_OK, 'worker-src': ["'self'"] } } },
    expect: { verdict: 'breaks', failing: ['map'] } },
  { name: 'no-wasm-ro', what: "report-only script-src without 'wasm-unsafe-eval': the timeline's WebAssembly layout is reported where the version has one",
    policy: { csp: { reportOnly: true, directives: { 'script-src': ["'self'", "'unsafe-inline'", 'blob:'] } } },
    expect: { verdict: 'safe' } },
  { name: 'no-wasm', what: "script-src without 'wasm-unsafe-eval': the timeline grid stays empty where the version lays it out in WebAssembly (v3)",
    policy: { csp: { directives: { 'script-src': ["'self'", "'unsafe-inline'", 'blob:'] } } },
    expect: { verdict: 'safe' } },
  { name: 'tiles-not-in-connect-src-ro', what: 'report-only connect-src without the tile origin',
    policy: { csp: { reportOnly: true, directives: { 'connect-src': ["'self'"] } } },
    expect: { verdict: 'would-break', names: { kind: 'csp', directive: 'connect-src', blocked: TILE_ORIGIN, journey: 'map' } } },
  { name: 'tiles-not-in-connect-src', what: "connect-src without the tile origin: the map style fails, map blank (the shared viewer's map too)",
    policy: { csp: { directives: { 'connect-src': ["'self'"] } } },
    expect: { verdict: 'breaks', failing: ['map', 'share-link'] } },
  { name: 'data-images-blocked-ro', what: 'report-only img-src without data:/blob:',
    policy: { csp: { reportOnly: true, directives: { 'img-src': ["'self'"] } } },
    expect: { verdict: 'would-break', names: { kind: 'csp', directive: 'img-src', blocked: 'data', journey: 'map' } } },
  { name: 'data-images-blocked', what: 'img-src without data:/blob:: map icons and face crops blocked, thumbnails still work',
    policy: { csp: { directives: { 'img-src': ["'self'"] } } },
    expect: { verdict: 'would-break', names: { kind: 'csp', directive: 'img-src', blocked: 'data', journey: 'map' } } },
  { name: 'fullscreen-denied', what: 'Permissions-Policy fullscreen=(): the slideshow (and, where the version has one, the map fullscreen control) fails',
    policy: { set: { 'Permissions-Policy': 'fullscreen=()' } },
    expect: { verdict: 'breaks', failing: ['slideshow'] },
    // Firefox does not enforce the Permissions-Policy header: fullscreen works, reported as not enforced.
    firefox: { verdict: 'safe', notEnforced: ['Permissions-Policy'] } },
  // Headers that must not break anything, proven together (one row, one pass: CI time).
  { name: 'benign-hardening', what: "CORP same-origin, XFO DENY + frame-ancestors 'none', Referrer-Policy no-referrer, nosniff, no X-Powered-By: nothing on Immich's own pages breaks",
    policy: { set: { 'Cross-Origin-Resource-Policy': 'same-origin', 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff' }, remove: ['X-Powered-By'], csp: { directives: { 'frame-ancestors': ["'none'"] } } },
    expect: { verdict: 'safe' } },
  { name: 'referrer-unsafe-url', what: "Referrer-Policy unsafe-url: a shared link's key leaves in the Referer to the tile server",
    policy: { set: { 'Referrer-Policy': 'unsafe-url' } },
    expect: { verdict: 'breaks', failing: ['share-link'] },
    // Firefox ignores a policy that relaxes the default for cross-site requests
    // (network.http.referer.disallowCrossSiteRelaxingDefault): a tile server on another site (the
    // default tiles.immich.cloud) gets the origin only. One on the app's own site (the real builds
    // here: 127.0.0.1:8089) gets the key, as in Chromium (measured on the real v3.1.0).
    firefox: { verdict: 'safe' }, firefoxWhenTilesCrossSite: true },
];

// upgrade-insecure-requests needs the app reached under a non-loopback name (loopback is exempt).
const UIR_ROWS: Row[] = [
  { name: 'uir-ro', what: 'report-only upgrade-insecure-requests is ignored by browsers',
    policy: { csp: { reportOnly: true, directives: { 'upgrade-insecure-requests': [] } } },
    expect: { verdict: 'safe' } },
  { name: 'uir', what: 'upgrade-insecure-requests over plain HTTP: every subresource upgraded, endless spinner',
    policy: { csp: { directives: { 'upgrade-insecure-requests': [] } } },
    expect: { verdict: 'breaks', failing: ['login', 'timeline'] } },
];

function writePolicies(dir: string, rows: Row[]): string[] {
  mkdirSync(dir, { recursive: true });
  return rows.map((row) => {
    const file = path.join(dir, `${row.name}.yaml`);
    writeFileSync(file, YAML.stringify({ name: row.name, description: row.what, ...row.policy }));
    return file;
  });
}

/**
 * Where versions differ, the shape says so: v1's map has a fullscreen control (v3's has none), and
 * v3 lays out its timeline in WebAssembly (v1 does not).
 */
function expectationFor(row: Row, shape: VersionShape, journeys: string[]): Expectation {
  if (row.name.startsWith('no-wasm') && shape.lab.timelineLayoutWasm && journeys.includes('timeline')) {
    return row.policy.csp?.reportOnly
      ? { verdict: 'would-break', names: { kind: 'csp', directive: 'script-src', blocked: 'wasm-eval', journey: 'timeline' } }
      // The upload lands in that empty timeline, and a shared album is laid out the same way.
      : { verdict: 'breaks', failing: ['share-link', 'timeline', 'upload'] };
  }
  // A row that breaks only journeys this shape's table does not run is safe there.
  if (row.expect.verdict === 'breaks' && !row.expect.failing!.some((j) => journeys.includes(j))) return { verdict: 'safe' };
  return row.expect;
}

function failingFor(row: Row, expectation: Expectation, shape: VersionShape, journeys: string[]): string[] {
  const failing = [...(expectation.failing ?? [])];
  // Where fullscreen is denied (not in Firefox, which does not enforce it), v1's map control fails too.
  if (row.name === 'fullscreen-denied' && expectation.verdict === 'breaks' && shape.journeys.mapFullscreenControl) failing.push('map');
  return failing.filter((j) => journeys.includes(j)).sort();
}

function check(row: Row, p: PolicyVerdict | undefined, shape: VersionShape, journeys: string[], tileOrigin = 'https://tiles.immich.cloud', engine: Engine = 'chromium', appOrigin = 'http://127.0.0.1'): void {
  const tilesCrossSite = new URL(tileOrigin).hostname !== new URL(appOrigin).hostname;
  const firefoxDiffers = engine === 'firefox' && row.firefox && (!row.firefoxWhenTilesCrossSite || tilesCrossSite);
  const expected = firefoxDiffers ? row.firefox! : expectationFor(row, shape, journeys);
  expect(p, `${row.name}: no verdict`).toBeDefined();
  // In Firefox every journey is journey@firefox; the table names them plainly.
  p = { ...p!, journeys: p!.journeys.map((j) => ({ ...j, journey: j.journey.replace(/@firefox$/, '') })) };
  expect(p!.verdict, `${row.name} (${row.what}): ${p!.reasons.join(' | ')}`).toBe(expected.verdict);
  for (const j of p!.journeys) expect(`${row.name} ${j.journey} baseline: ${j.baseline}`).toBe(`${row.name} ${j.journey} baseline: passed`);
  const failed = p!.journeys.filter((j) => j.candidate !== 'passed').map((j) => j.journey).sort();
  if (engine !== 'chromium' || expected.notEnforced) {
    const own = p!.engines?.find((e) => e.browser === engine);
    expect(own?.verdict, `${row.name}: the ${engine} verdict`).toBe(expected.verdict);
    expect(own?.notEnforced, `${row.name}: what ${engine} does not enforce`).toEqual(expected.notEnforced ?? []);
  }
  expect(failed, `${row.name}: the journeys that fail with the policy (${p!.reasons.join(' | ')})`).toEqual(failingFor(row, expected, shape, journeys));
  if (expected.names) {
    const { kind, directive, journey } = expected.names;
    const blocked = expected.names.blocked === TILE_ORIGIN ? tileOrigin : expected.names.blocked;
    // In the named journey, or (where it did not run) in any journey that did: e.g. the bootstrap
    // is reported on every page.
    const where = journeys.includes(journey) ? [journey] : journeys;
    const found = p!.journeys.filter((x) => where.includes(x.journey)).flatMap((x) => x.newViolations)
      .some((v) => v.kind === kind && v.directive === directive && v.blockedUrl === blocked);
    expect(found, `${row.name}: expected a new ${kind} ${directive} ${blocked} violation in ${where.join(' or ')}`).toBe(true);
  }
}

async function runTable(rows: Row[], out: string, extra: string[], shape: VersionShape): Promise<Summary> {
  const files = writePolicies(path.join(out, 'policies'), rows);
  const target = REAL_TARGET ? { HEADERPROOF_TARGET: REAL_TARGET.url } : { HEADERPROOF_LAB_VERSION: shape.name };
  const r = await runCli(['run', '--out', out, ...extra, '--policy', ...files], target);
  expect([0, 1], r.stdout.slice(-3000) + r.stderr).toContain(r.code);
  return JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
}

/** Whether a table's enforced rows share passes: HEADERPROOF_TABLE_SHARE=0 or 1 decides (by hand, to compare), else the table's default. */
const tableShares = (byDefault: boolean) => (process.env.HEADERPROOF_TABLE_SHARE ? process.env.HEADERPROOF_TABLE_SHARE === '1' : byDefault);

/** The restriction-only enforced rows shared a first pass; it was not clean, so they were split and re-run. */
const expectSplit = (out: string) => expect(existsSync(path.join(out, 'split-1', 'records.json')), 'the enforced rows shared a pass that was split').toBe(true);

test.describe.configure({ mode: 'serial', timeout: 600_000 });

/**
 * By hand against a real Immich (CI has none): HEADERPROOF_TABLE_TARGET=http://127.0.0.1:2283 with
 * IMMICH_EMAIL / IMMICH_PASSWORD, then `npx playwright test --project=breakage known-breakage`.
 * The table then runs once, for the version shape the target reports.
 */
const REAL_TARGET = await (async () => {
  const url = process.env.HEADERPROOF_TABLE_TARGET;
  if (!url) return undefined;
  const version = parseServerVersion(await (await fetch(`${url}/api/server/version`)).json());
  const config = (await (await fetch(`${url}/api/server/config`)).json()) as { mapLightStyleUrl?: string };
  return { url, shape: shapeFor(version).shape, tileOrigin: config.mapLightStyleUrl ? new URL(config.mapLightStyleUrl).origin : 'https://tiles.immich.cloud' };
})();

// The same table against every Immich version shape the lab imitates (or the real target's). The
// lab's shapes differ only in pages the map, slideshow and upload journeys see (src/apps/immich/versions/),
// so older shapes run those and the newest (and a real target) runs all of the table's journeys.
// (api-clients is not in it: no header in the table can touch a client without a browser.)
const ALL_JOURNEYS = ['login', 'timeline', 'map', 'slideshow', 'share-link', 'upload'];
for (const shape of REAL_TARGET ? [REAL_TARGET.shape] : SHAPES) {
  const journeys = REAL_TARGET || shape === SHAPES[SHAPES.length - 1] ? ALL_JOURNEYS : ['map', 'slideshow', 'upload'];
  // The newest shape's table (and a real target's) runs with enforced candidates sharing passes
  // (src/proxy/share.ts): every expectation below was measured with each row alone, so this proves
  // sharing gives the same verdicts, failing journeys and violations. The other tables give each row
  // a pass of its own.
  const share = tableShares(shape === SHAPES[SHAPES.length - 1] || Boolean(REAL_TARGET));
  test(`known breakage (${REAL_TARGET ? 'real Immich' : 'lab as Immich'} ${shape.name}): each header gets the verdict and failing journeys the real app shows${share ? ', with enforced rows sharing passes' : ''}`, async ({}, testInfo) => {
    if (REAL_TARGET) test.setTimeout(1_800_000); // a real server is slower than the lab: ~5 min for v3.1.0 here (report-only rows stacked)
    const out = testInfo.outputPath('run');
    const summary = await runTable(ROWS, out, ['--workers', '2', '--journeys', journeys.join(','), '--no-blame', ...(share ? [] : ['--no-share'])], shape);
    if (share) expectSplit(out);
    expect(summary.app?.shape).toBe(shape.name);
    expect(summary.baseline.filter((b) => b.status !== 'passed'), 'the baseline must pass every journey').toEqual([]);
    for (const row of ROWS) check(row, summary.policies.find((p) => p.policy.name === row.name), shape, journeys, REAL_TARGET?.tileOrigin);
    // The report-only rows shared one pass (src/proxy/stack.ts): the verdicts above are theirs stacked.
    const reportOnly = ROWS.filter((r) => r.policy.csp?.reportOnly).map((r) => r.name).sort();
    for (const name of reportOnly) {
      expect(summary.policies.find((p) => p.policy.name === name)?.stackedWith?.sort(), `${name} ran stacked`).toEqual(reportOnly.filter((n) => n !== name));
    }
  });
}

test('known breakage: upgrade-insecure-requests, with the app reached by host name', async ({}, testInfo) => {
  const shape = REAL_TARGET?.shape ?? SHAPES[SHAPES.length - 1]!;
  const summary = await runTable(UIR_ROWS, testInfo.outputPath('run'), ['--workers', '2', '--browser-host', 'immich.lab.test', '--journeys', 'login,timeline', '--no-blame', '--no-share'], shape);
  for (const row of UIR_ROWS) check(row, summary.policies.find((p) => p.policy.name === row.name), shape, ['login', 'timeline']);
  const enforced = summary.policies.find((p) => p.policy.name === 'uir')!;
  expect(enforced.warnings.join()).toContain('upgrade-insecure-requests on a plain-HTTP target');
});

// The same table in Firefox (Gecko), against the newest shape (or the real target): where the engines
// differ, the row's `firefox` expectation says how (measured, not assumed).
test(`known breakage in Firefox (${REAL_TARGET ? 'real Immich' : 'lab as Immich'} ${(REAL_TARGET?.shape ?? SHAPES[SHAPES.length - 1]!).name})`, async ({}, testInfo) => {
  // ~9 min on a 2-core machine beside the other suites: more than the table's default.
  test.setTimeout(REAL_TARGET ? 1_800_000 : 1_200_000);
  const shape = REAL_TARGET?.shape ?? SHAPES[SHAPES.length - 1]!;
  // Each row alone in CI: this table is mostly breaking rows, where sharing costs a round more
  // (measured 3.4 min shared against 2.5 alone, identical verdicts, outcomes and new violations).
  const share = tableShares(false);
  const summary = await runTable(ROWS, testInfo.outputPath('run'), ['--workers', '2', '--browsers', 'firefox', '--journeys', ALL_JOURNEYS.join(','), '--no-blame', ...(share ? [] : ['--no-share'])], shape);
  if (share) expectSplit(testInfo.outputPath('run'));
  expect(summary.browsers?.map((b) => b.browser)).toEqual(['firefox']);
  expect(summary.baseline.filter((b) => b.status !== 'passed'), 'the baseline must pass every journey').toEqual([]);
  for (const row of ROWS) check(row, summary.policies.find((p) => p.policy.name === row.name), shape, ALL_JOURNEYS, REAL_TARGET?.tileOrigin, 'firefox', REAL_TARGET?.url);
});
