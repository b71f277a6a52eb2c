// Polite to the host: reading a target's pushback and announced limit, the load numbers a run
// reports, the proxy's pacing, and the verdict never blaming a policy for a 429.
import { test, expect } from '@playwright/test';
import { reportsOnly } from '../../src/policy/reports-only.js';
import { mergeRanAlone, pacedBaselineFailures, pacedFailures, type JourneyRecord } from '../../src/report/summary.js';
import { addLoad, describeLoad, HostLoad, peakPerMinute, rateLimitOf, retryAfterSeconds, summarizeLoad, throttleOf, type HostLoadSlice } from '../../src/proxy/host.js';
import { cacheable, hashedName } from '../../src/proxy/asset-cache.js';
import { decideVerdict, exitCodeFor } from '../../src/verdict/verdict.js';
import { adviseBaseline } from '../../src/verdict/advice.js';
import { replacedBy } from '../../src/report/stack-records.js';
import { loginHint } from '../../src/apps/profile.js';
import type { JourneyResult, PolicyInfo } from '../../src/report/model.js';

test('Retry-After as seconds or an HTTP date', () => {
  expect(retryAfterSeconds('41')).toBe(41);
  const now = Date.parse('2026-12-04T10:00:00Z');
  expect(retryAfterSeconds('Fri, 04 Dec 2026 10:00:30 GMT', now)).toBe(30);
  expect(retryAfterSeconds('soon')).toBeUndefined();
  expect(retryAfterSeconds(undefined)).toBeUndefined();
});

test('the rate limit a host announces, in both header forms', () => {
  // express-rate-limit's standard headers (Actual 25.6.0 sends these).
  expect(rateLimitOf({ 'ratelimit-policy': '500;w=60', 'ratelimit-limit': '500', 'ratelimit-remaining': '498', 'ratelimit-reset': '60' }))
    .toEqual({ policy: '500;w=60', limit: 500, windowS: 60, remaining: 498, resetS: 60 });
  expect(rateLimitOf({ ratelimit: 'limit=100, remaining=0, reset=12' })).toEqual({ limit: 100, remaining: 0, resetS: 12, policy: '100' });
  expect(rateLimitOf({})).toEqual({});
});

test('a 429 is pushback always; a 503 only when it says when to come back; a 500 never', () => {
  expect(throttleOf(429, { 'retry-after': '20', 'ratelimit-policy': '500;w=60' }, '/account/login', 1)).toEqual({ path: '/account/login', status: 429, retryAfterS: 20, limit: '500;w=60', at: 1 });
  expect(throttleOf(429, {}, '/x', 1)).toEqual({ path: '/x', status: 429, at: 1 });
  expect(throttleOf(503, { 'retry-after': '5' }, '/x', 1)?.status).toBe(503);
  expect(throttleOf(503, {}, '/x', 1)).toBeUndefined();
  expect(throttleOf(500, { 'retry-after': '5' }, '/x', 1)).toBeUndefined();
  expect(throttleOf(200, { 'ratelimit-remaining': '0' }, '/x', 1)).toBeUndefined();
});

test('peak per minute is the busiest 60-second window, across slices', () => {
  expect(peakPerMinute([])).toBe(0);
  expect(peakPerMinute([[0, 100], [59, 100], [60, 100], [200, 5]])).toBe(200);
  const a: HostLoadSlice = { requests: 150, cached: 10, perSecond: [[1000, 100], [1030, 50]], throttled: [], waitedMs: 0, limit: '500;w=60' };
  const b: HostLoadSlice = { requests: 70, cached: 0, perSecond: [[1030, 30], [1100, 40]], throttled: [{ path: '/sync/list-user-files', status: 429, at: 5 }], waitedMs: 1500 };
  const load = summarizeLoad([a, b]);
  expect(load).toMatchObject({ requests: 220, cached: 10, peakPerMinute: 180, announcedLimit: '500;w=60', throttledCount: 1, heldBackMs: 1500, seconds: 101 });
  expect(addLoad(load, { ...load, peakPerMinute: 300 })).toMatchObject({ requests: 440, peakPerMinute: 300, throttledCount: 2 });
});

test('the load line says whether it went to one host or to the local copies the run started (whose limit is per copy)', () => {
  const a: HostLoadSlice = { requests: 810, cached: 0, perSecond: [[1000, 810]], throttled: [], waitedMs: 0, limit: '500;w=60' };
  expect(describeLoad(summarizeLoad([a]))).toMatch(/^810 requests to the target in 1 s \(peak 810 a minute; its announced limit 500;w=60\)/);
  const local = summarizeLoad([a], undefined, true);
  expect(local.localCopies).toBe(true);
  expect(describeLoad(local)).toMatch(/^810 requests to the local copies of the app the run started \(one per worker, each its own host\) in 1 s \(peak 810 a minute over them all; the limit each copy announced: 500;w=60\)/);
  expect(addLoad(summarizeLoad([a]), local)?.localCopies).toBe(true);
});

test('the proxy keeps its share of an announced limit: the request past it waits for the window', async () => {
  const host = new HostLoad(0.5);
  host.observe(200, { 'ratelimit-policy': '8;w=1' }, '/'); // 8 a second, half of it ours: 3 (90 %)
  const started = Date.now();
  for (let i = 0; i < 3; i++) await host.gate();
  expect(Date.now() - started).toBeLessThan(500);
  await host.gate();
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  const slice = host.drain();
  expect(slice.requests).toBe(4);
  expect(slice.waitedMs).toBeGreaterThanOrEqual(900);
  expect(slice.limit).toBe('8;w=1');
  expect(host.drain().requests).toBe(0);
});

test('when the host says its budget is nearly spent, the proxy waits for its reset', async () => {
  const host = new HostLoad();
  host.observe(200, { 'ratelimit-limit': '500', 'ratelimit-remaining': '200', 'ratelimit-reset': '30' }, '/');
  expect(host.pendingWaitMs()).toBe(0);
  host.observe(200, { 'ratelimit-limit': '500', 'ratelimit-remaining': '40', 'ratelimit-reset': '1' }, '/');
  expect(host.pendingWaitMs()).toBeGreaterThan(1000);
  expect(host.drain().throttled).toEqual([]);
});

test('after a 429 the proxy holds new requests until the reset the host named', async () => {
  const host = new HostLoad();
  const t = host.observe(429, { 'retry-after': '1' }, '/account/login');
  expect(t?.status).toBe(429);
  expect(host.pendingWaitMs()).toBeGreaterThan(1000);
  const started = Date.now();
  await host.gate();
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  expect(host.drain().throttled.map((x) => x.path)).toEqual(['/account/login']);
});

const policy: PolicyInfo = { name: 'safe-set', file: 'p.yaml', description: '', served: {} };
const passed = (journey: string): JourneyResult => ({ journey, status: 'passed', violations: [], upstreamErrors: 0 });
const throttledFail = (journey: string): JourneyResult => ({ journey, status: 'failed', error: 'logging in to Actual failed (HTTP 429)', violations: [], upstreamErrors: 0, throttled: [{ path: '/account/login', status: 429, retryAfterS: 41, limit: '500;w=60', at: 1 }] });

test('a journey that failed while the target throttled is inconclusive, never breaks', () => {
  const r = decideVerdict(policy, [passed('login'), passed('budget')], [throttledFail('login'), passed('budget')]);
  expect(r.verdict).toBe('inconclusive');
  expect(r.reasons.join('\n')).toContain('HTTP 429');
  expect(r.reasons.join('\n')).toContain('/account/login');
  expect(r.reasons.join('\n')).toContain('500;w=60');
  expect(r.journeys.find((j) => j.journey === 'login')?.throttled).toContain('429');
  expect(exitCodeFor([passed('login')], [r])).toBe(3);
  // The same failure without pushback is a break.
  const { throttled: _t, ...plain } = throttledFail('login');
  expect(decideVerdict(policy, [passed('login')], [plain]).verdict).toBe('breaks');
  // Held back by headerproof's own pacing is not pushback: a break after the wait is still a break.
  expect(decideVerdict(policy, [passed('login')], [{ ...plain, heldBackMs: 30_000 }]).verdict).toBe('breaks');
});

test('a baseline journey that failed while throttled gets the host as its cause, not the password', () => {
  const [advice] = adviseBaseline([throttledFail('login')], { app: 'actual', title: 'Actual Budget' });
  expect(advice!.advice).toContain('rate limit');
  expect(advice!.advice).not.toContain('ACTUAL_PASSWORD');
  expect(loginHint(429, 'check ACTUAL_PASSWORD')).not.toContain('ACTUAL_PASSWORD');
  expect(loginHint(401, 'check ACTUAL_PASSWORD')).toBe('check ACTUAL_PASSWORD');
});

test('hashed asset names are told from plain ones', () => {
  for (const p of ['/static/js/index.DUVNizGD.js', '/static/js/de.CxgxOEt-.chunk.js', '/fonts/Inter-roman.var.C-r5W2Hj.woff2', '/assets/index-DHm3mLxu.js', '/main.3f2a1b9c.js', '/kcab/kcab.worker.5rx3q4l_.js']) expect(hashedName(p), p).toBe(true);
  for (const p of ['/sw.js', '/data-file-index.txt', '/shortcut-accounts.svg', '/vendor/vendor.js', '/MyComponent.js', '/index-polyfill.js', '/red/red.min.js']) expect(hashedName(p), p).toBe(false);
});

test('only whole, shareable, immutable responses are cached', () => {
  const js = { 'content-type': 'application/javascript', 'cache-control': 'public, max-age=0' };
  expect(cacheable('GET', '/static/index.DUVNizGD.js', 200, js)).toBe(true);
  expect(cacheable('GET', '/app.js', 200, { 'cache-control': 'public, max-age=31536000, immutable' })).toBe(true);
  expect(cacheable('GET', '/app.js', 200, js)).toBe(false);
  expect(cacheable('POST', '/static/index.DUVNizGD.js', 200, js)).toBe(false);
  expect(cacheable('GET', '/static/index.DUVNizGD.js', 206, js)).toBe(false);
  expect(cacheable('GET', '/static/index.DUVNizGD.js', 200, { ...js, 'set-cookie': ['a=b'] })).toBe(false);
  expect(cacheable('GET', '/static/index.DUVNizGD.js', 200, { ...js, 'cache-control': 'private, immutable' })).toBe(false);
  expect(cacheable('GET', '/static/index.DUVNizGD.js', 200, { ...js, vary: 'Cookie' })).toBe(false);
  expect(cacheable('GET', '/static/index.DUVNizGD.js', 200, { ...js, vary: 'Accept-Encoding' })).toBe(true);
  expect(cacheable('GET', '/_app/immutable/x.html', 200, { 'content-type': 'text/html', 'cache-control': 'immutable' })).toBe(false);
});

test('a shared pass reports "replaced" only for the member that replaces the target\'s own header', () => {
  const upstream = ['content-security-policy', 'x-frame-options', 'content-type'];
  expect(replacedBy({ set: { 'X-Content-Type-Options': 'nosniff' }, remove: [] }, upstream)).toEqual([]);
  expect(replacedBy({ set: {}, remove: ['Content-Security-Policy'], csp: { reportOnly: false, directives: { 'default-src': ["'self'"] } } }, upstream)).toEqual(['content-security-policy']);
  expect(replacedBy({ set: { 'X-Frame-Options': 'DENY' }, remove: [], csp: { reportOnly: true, directives: { 'default-src': ["'self'"] } } }, upstream)).toEqual(['x-frame-options']);
});

test("a failure held back by headerproof's own pacing runs again alone, per policy and engine; its result replaces the first try's and the verdict says why", () => {
  const rec = (project: string, journey: string, status: 'passed' | 'failed', heldBackMs?: number, role: 'baseline' | 'candidate' = 'candidate'): JourneyRecord => ({
    project, role, policyFile: `p/${project}.yaml`,
    result: { journey, status, violations: [], upstreamErrors: 0, ...(status === 'failed' ? { error: 'locator.click: Timeout 20000ms exceeded.\nmore' } : {}), ...(heldBackMs ? { heldBackMs } : {}) },
  });
  const records = [
    rec('baseline', 'budget', 'passed', undefined, 'baseline'), rec('baseline', 'budget@firefox', 'passed', undefined, 'baseline'), rec('baseline', 'login@firefox', 'failed', 60_000, 'baseline'),
    rec('ro', 'budget', 'failed', 4_000), // held back too briefly: its failure stands
    rec('ro', 'budget@firefox', 'failed', 41_000),
    rec('ro', 'login@firefox', 'failed', 41_000), // its baseline failed too: nothing to settle
    rec('safe', 'budget@firefox', 'passed', 30_000),
  ];
  expect(pacedFailures(records)).toEqual([{ project: 'ro', policyFile: 'p/ro.yaml', engine: 'firefox', journeys: ['budget@firefox'], why: 'paced' }]);
  const merged = mergeRanAlone(records, [{ ...rec('ro', 'budget@firefox', 'passed'), result: { ...rec('ro', 'budget@firefox', 'passed').result, screenshot: 's.png' } }], 'ro', new Map([['budget@firefox', 41_000]]), 'alone-1');
  const alone = merged.find((r) => r.project === 'ro' && r.result.journey === 'budget@firefox')!.result;
  expect(alone).toMatchObject({ status: 'passed', ranAlone: { firstHeldBackMs: 41_000 }, screenshot: 'alone-1/s.png' });
  expect(merged.filter((r) => r.result.ranAlone)).toHaveLength(1);
  // Run alone once: never again.
  expect(pacedFailures(merged.map((r) => (r.result.ranAlone ? { ...r, result: { ...r.result, status: 'failed' as const, heldBackMs: 50_000 } } : r)))).toEqual([]);
  const info = { name: 'ro', file: 'p/ro.yaml', description: '', served: {} };
  const baseline = merged.filter((r) => r.role === 'baseline').map((r) => r.result).filter((r) => r.journey.startsWith('budget'));
  const candidate = merged.filter((r) => r.project === 'ro').map((r) => r.result).filter((r) => r.journey.startsWith('budget'));
  const v = decideVerdict(info, baseline, candidate);
  // The Chromium failure (held back 4 s) still breaks; the Firefox one was the pacing's.
  expect(v.verdict).toBe('breaks');
  expect(v.reasons.join('\n')).toContain("budget@firefox failed while headerproof held its requests back 41 s to keep inside the host's announced request limit (locator.click: Timeout 20000ms exceeded.), and passed when run again alone: the pacing's doing, not the policy's");
  const again = decideVerdict(info, baseline, candidate.map((c) => (c.ranAlone ? { ...c, status: 'failed' as const } : c)));
  expect(again.reasons.join('\n')).toContain('and failed again when run alone, with the host\'s whole budget');
});

test('a baseline journey that failed while held back by the pacing runs again alone first, per engine, and its result replaces the first try', () => {
  const rec = (project: string, journey: string, status: 'passed' | 'failed', heldBackMs?: number, role: 'baseline' | 'candidate' = 'candidate'): JourneyRecord => ({
    project, role, policyFile: `p/${project}.yaml`,
    result: { journey, status, violations: [], upstreamErrors: 0, ...(status === 'failed' ? { error: 'page.goto: Timeout 15000ms exceeded.' } : {}), ...(heldBackMs ? { heldBackMs } : {}) },
  });
  const records = [
    rec('baseline · firefox', 'budget@firefox', 'failed', 30_000, 'baseline'),
    rec('baseline', 'login', 'failed', 2_000, 'baseline'), // held back too briefly: the target's own failure
    rec('baseline', 'budget', 'passed', undefined, 'baseline'),
    rec('safe · firefox', 'budget@firefox', 'failed', 30_000), // waits for its baseline
  ];
  expect(pacedBaselineFailures(records)).toEqual([{ engine: 'firefox', journeys: ['budget@firefox'] }]);
  // Until the baseline passes, the candidate's paced failure is not the one to settle.
  expect(pacedFailures(records)).toEqual([]);
  const merged = mergeRanAlone(records, [rec('baseline · firefox', 'budget@firefox', 'passed', undefined, 'baseline'), rec('safe · firefox', 'budget@firefox', 'passed')], undefined, new Map([['budget@firefox', 30_000]]), 'alone-baseline-1');
  const base = merged.find((r) => r.role === 'baseline' && r.result.journey === 'budget@firefox')!.result;
  expect(base).toMatchObject({ status: 'passed', ranAlone: { firstHeldBackMs: 30_000, firstError: 'page.goto: Timeout 15000ms exceeded.' } });
  // Only the baseline's record was replaced; now the candidate's paced failure is settled next.
  expect(merged.find((r) => r.project === 'safe · firefox')!.result.status).toBe('failed');
  expect(pacedBaselineFailures(merged)).toEqual([]);
  expect(pacedFailures(merged)).toEqual([{ project: 'safe · firefox', policyFile: 'p/safe · firefox.yaml', engine: 'firefox', journeys: ['budget@firefox'], why: 'paced' }]);
});

test('a policy that only reports changes nothing a page does: its failure is never a break, runs again alone, and a second failure is inconclusive', () => {
  const ro = { set: { 'Permissions-Policy-Report-Only': 'camera=()' }, remove: ['X-Powered-By'], csp: { reportOnly: true, directives: { 'script-src': ["'self'"] } } };
  expect(reportsOnly(ro)).toBe(true);
  expect(reportsOnly({ set: { 'Reporting-Endpoints': 'a="https://r.example/"', 'Integrity-Policy-Report-Only': 'blocked-destinations=(script)' }, remove: [] })).toBe(true);
  // Anything a browser acts on makes it a policy that may break.
  expect(reportsOnly({ ...ro, csp: { reportOnly: false, directives: {} } })).toBe(false);
  expect(reportsOnly({ ...ro, set: { ...ro.set, 'X-Frame-Options': 'DENY' } })).toBe(false);
  expect(reportsOnly({ ...ro, remove: ['Content-Security-Policy'] })).toBe(false); // drops the app's own CSP
  expect(reportsOnly({ set: {}, remove: ['X-Powered-By'] })).toBe(false); // reports nothing either: not this kind
  const model = ro;
  const rec = (project: string, journey: string, status: 'passed' | 'failed', role: 'baseline' | 'candidate' = 'candidate', own = model): JourneyRecord => ({
    project, role, policyFile: `p/${project}.yaml`,
    result: { journey, status, violations: [], upstreamErrors: 0, ...(status === 'failed' ? { error: 'expect(locator).toBeVisible() failed: Server online' } : {}) },
    ...(role === 'candidate' ? { attachment: { policy: { name: project, file: `p/${project}.yaml`, description: '', served: {}, model: own } } as unknown as JourneyRecord['attachment'] } : {}),
  });
  const records = [
    rec('baseline', 'login@firefox', 'passed', 'baseline'), rec('baseline', 'budget', 'passed', 'baseline'),
    rec('ro', 'login@firefox', 'failed'), // not held back at all: still run again alone
    rec('enforced', 'budget', 'failed', 'candidate', { ...ro, csp: { reportOnly: false, directives: { 'script-src': ["'self'"] } } }), // may be the policy's: stands
  ];
  expect(pacedFailures(records)).toEqual([{ project: 'ro', policyFile: 'p/ro.yaml', engine: 'firefox', journeys: ['login@firefox'], why: 'reports-only' }]);
  const info = { name: 'ro', file: 'p/ro.yaml', description: '', served: {}, model };
  const baseline = records.filter((r) => r.role === 'baseline' && r.result.journey === 'login@firefox').map((r) => r.result);
  // Before (or without) its run alone: not a break, and not proven safe either.
  const first = decideVerdict(info, baseline, [records[2]!.result]);
  expect(first.verdict).toBe('inconclusive');
  expect(first.reasons.join('\n')).toContain('login@firefox passes without the policy but failed with it though the policy only reports (it changes nothing a page does): the target or this machine\'s load, not the policy');
  // The same failure under an enforcing policy is a break.
  expect(decideVerdict({ ...info, model: { ...model, csp: { reportOnly: false, directives: model.csp.directives } } }, baseline, [records[2]!.result]).verdict).toBe('breaks');
  const merged = mergeRanAlone(records, [rec('ro', 'login@firefox', 'passed')], 'ro', new Map([['login@firefox', 0]]), 'alone-1', 'reports-only');
  const alone = merged.find((r) => r.project === 'ro')!.result;
  expect(alone.ranAlone).toMatchObject({ why: 'reports-only', firstError: 'expect(locator).toBeVisible() failed: Server online' });
  const passed = decideVerdict(info, baseline, [alone]);
  expect(passed.verdict).toBe('safe');
  expect(passed.reasons.join('\n')).toContain('login@firefox failed with the policy (expect(locator).toBeVisible() failed: Server online), though it only reports, and passed when run again alone');
  const again = decideVerdict(info, baseline, [{ ...alone, status: 'failed' }]);
  expect(again.verdict).toBe('inconclusive');
  expect(again.reasons.join('\n')).toContain('failed with it, again when run alone, though the policy only reports');
  // Violations it reported still make it would-break: a failure elsewhere hides no finding.
  const v = { kind: 'csp', disposition: 'report', directive: 'script-src', blockedUrl: 'wasm-eval', count: 1 } as unknown as NonNullable<typeof alone.violations>[number];
  expect(decideVerdict(info, baseline, [{ ...alone, status: 'failed', violations: [v] }]).verdict).toBe('would-break');
  expect(pacedFailures(merged)).toEqual([]);
});
