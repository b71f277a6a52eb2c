import { test, expect } from '@playwright/test';
import { bisectParts, blameItems, blameRepresentatives, bootFailureOf, combineItems, PERMISSIVE } from '../../src/blame/blame.js';
import type { JourneyComparison, PolicyVerdict } from '../../src/report/model.js';
import { disablesUnsafeInline, suggestFixes } from '../../src/blame/suggest.js';
import type { InlineBlock } from '../../src/proxy/inline-scripts.js';
import { dedupe, type Violation, type ViolationGroup } from '../../src/observe/violation.js';

const BOOT = "the app cannot boot: the enforced CSP (script-src-elem) blocks its inline bootstrap script ('sha256-abc=', changes with every app build)";

function verdict(journeys: Partial<JourneyComparison>[]): PolicyVerdict {
  return {
    policy: { name: 'p', file: 'p.yaml', description: '', served: {} },
    verdict: 'breaks', reasons: [], replacedUpstreamHeaders: [], warnings: [],
    journeys: journeys.map((j) => ({ journey: 'x', baseline: 'passed', candidate: 'failed', violations: [], newViolations: [], ...j })),
  } as unknown as PolicyVerdict;
}

test('the boot failure is read from a journey error, wherever Playwright put it', () => {
  expect(bootFailureOf(`${BOOT} (the step interrupted: Error: the map canvas never appeared)`)).toBe(BOOT);
  expect(bootFailureOf(`Error: page.waitForEvent: ${BOOT} ===== logs =====`)).toBe(BOOT);
  expect(bootFailureOf('Error: page.goto: the app cannot boot: the enforced CSP (script-src-elem) blocks its entry module /_app/immutable/entry/start.x.js more')).toBe(
    'the app cannot boot: the enforced CSP (script-src-elem) blocks its entry module /_app/immutable/entry/start.x.js');
  expect(bootFailureOf('Error: the map canvas never appeared')).toBeUndefined();
  expect(bootFailureOf(undefined)).toBeUndefined();
});

test('journeys that share one boot failure are blamed once, through login; other failures each on their own', () => {
  const p = verdict([
    { journey: 'map', error: `${BOOT} (the step interrupted: x)` },
    { journey: 'login', error: BOOT },
    { journey: 'upload', error: `Error: page.waitForEvent: ${BOOT}` },
    { journey: 'slideshow', error: 'Error: the slideshow could not enter fullscreen' },
    { journey: 'timeline', candidate: 'passed' },
  ]);
  const { rerun, sameAs } = blameRepresentatives(p);
  expect(rerun).toEqual(['login', 'slideshow']);
  expect([...sameAs]).toEqual([['map', 'login'], ['upload', 'login']]);
});

test('with no boot failure every failing journey is re-run', () => {
  const p = verdict([{ journey: 'map', error: 'Error: no tiles' }, { journey: 'search', error: 'Error: no tile' }]);
  expect(blameRepresentatives(p)).toEqual({ rerun: ['map', 'search'], sameAs: new Map() });
});

/** A target whose journeys fail when any of `culprits` is served, or when all of `together` are. */
function oracle(culprits: Record<string, number[]>, together: Record<string, number[]> = {}) {
  const log: { groups: number[][]; journeys: string[] }[] = [];
  const run = async (groups: number[][], journeys: string[]) => {
    log.push({ groups, journeys });
    return (group: number[], journey: string) =>
      (culprits[journey] ?? []).some((c) => group.includes(c)) || (journey in together && together[journey]!.every((c) => group.includes(c)));
  };
  return { run, log };
}

test('bisection finds every part that fails a journey on its own, in log2 rounds for one culprit', async () => {
  const { run, log } = oracle({ map: [9] });
  const r = await bisectParts(16, ['map'], run);
  expect(r.blamed.get('map')).toEqual([9]);
  expect(r.combination.has('map')).toBe(false);
  expect(r.bisection).toEqual({ parts: 16, rounds: 4, reruns: 8 }); // one part at a time: 16
  expect(log.map((l) => l.groups.length)).toEqual([2, 2, 2, 2]);
});

test('bisection follows every failing half: two culprits for one journey, another for a second', async () => {
  const r = await bisectParts(12, ['map', 'slideshow'], oracle({ map: [0, 11], slideshow: [5] }).run);
  expect(r.blamed.get('map')).toEqual([0, 11]);
  expect(r.blamed.get('slideshow')).toEqual([5]);
});

test('a journey stops being re-run once nothing is left to split for it', async () => {
  const { run, log } = oracle({ map: [1], slideshow: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] });
  await bisectParts(14, ['map', 'slideshow'], run);
  // slideshow needs every round down to single parts; map too (one culprit), so both stay to the end…
  expect(log.at(-1)!.journeys.sort()).toEqual(['map', 'slideshow']);
  const { run: run2, log: log2 } = oracle({ map: [1] }, { slideshow: [2, 9] });
  const r = await bisectParts(14, ['map', 'slideshow'], run2);
  // …but a combination is found in the first round (each half passes), so slideshow leaves then.
  expect(log2.slice(1).every((l) => !l.journeys.includes('slideshow'))).toBe(true);
  expect(r.blamed.get('slideshow')).toEqual([]);
  expect(r.combination.has('slideshow')).toBe(true);
  expect(r.blamed.get('map')).toEqual([1]);
});

test('parts combine into one policy: Permissions-Policy features joined, CSP directives in context', () => {
  const items = blameItems({
    set: { 'Permissions-Policy': 'camera=(), fullscreen=(), geolocation=(self)', 'Referrer-Policy': 'same-origin' },
    remove: ['X-Powered-By'],
    csp: { reportOnly: false, directives: { 'default-src': ["'self'"], 'worker-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'frame-ancestors': ["'none'"] } },
  } as never);
  expect(items.length).toBe(9);
  const byLabel = (l: string) => items.find((i) => i.label.includes(l))!;
  const c = combineItems([byLabel('camera'), byLabel('fullscreen'), byLabel('X-Powered-By'), byLabel('worker-src'), byLabel('frame-ancestors')]);
  expect(c.policy.set).toEqual({ 'Permissions-Policy': 'camera=(), fullscreen=()' });
  expect(c.policy.remove).toEqual(['X-Powered-By']);
  // worker-src as the policy has it; the other fetch directives permissive, whatever the order.
  expect(c.policy.csp).toEqual({ reportOnly: false, directives: { 'default-src': PERMISSIVE, 'img-src': PERMISSIVE, 'worker-src': ["'self'"], 'frame-ancestors': ["'none'"] } });
  const d = combineItems([byLabel('img-src'), byLabel('default-src')]);
  expect(d.policy.csp!.directives).toEqual({ 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'worker-src': PERMISSIVE });
  expect(combineItems([byLabel('Referrer')])).toBe(byLabel('Referrer'));
});

// Immich 3.1.0's no-wasm case: the fix suggested `script-src 'self' 'unsafe-inline' 'sha256-…'`,
// which makes browsers ignore 'unsafe-inline' and block every inline script it does not list.
test('a suggested fix that puts a hash beside \'unsafe-inline\' says so, and names the inline scripts it would then block', () => {
  const boot: InlineBlock = { kind: 'script', hash: "'sha256-boot='", path: '/photos', sample: '{ __sveltekit_1 = {} }', buildSpecific: true };
  const other: InlineBlock = { kind: 'script', hash: "'sha256-other='", path: '/map', sample: 'window.theme = "dark"', buildSpecific: false };
  const v: ViolationGroup = { kind: 'csp', directive: 'script-src-elem', blockedUrl: 'inline', source: '', sample: '{ __sveltekit_1 = {} }', disposition: 'enforce', journey: 'timeline', pageUrl: 'http://127.0.0.1:1/photos', count: 1, channels: ['event'] };
  const [fix] = suggestFixes({ set: {}, remove: [], csp: { reportOnly: false, directives: { 'script-src': ["'self'", "'unsafe-inline'", "'nonce-x'"] } } }, [v], [boot, other]);
  expect(fix!.fix).toContain("makes browsers ignore 'unsafe-inline' in script-src");
  expect(fix!.fix).toContain('every inline script it does not list would be blocked');
  expect(disablesUnsafeInline('script-src', ["'self'", "'unsafe-inline'", "'sha256-boot='"], [boot, other])).toContain('it would block 1 inline script the journeys ran ("window.theme = "dark"" on /map)');
  expect(fix!.cost).toMatch(/^high: the inline scripts it does not list stop running/);
  expect(disablesUnsafeInline('script-src', ["'self'", "'unsafe-inline'", "'sha256-a='"], [])).toContain('every inline script it does not list would be blocked');
  expect(disablesUnsafeInline('script-src', ["'self'", "'unsafe-inline'"], [boot]), "'unsafe-inline' alone still works").toBeUndefined();
  expect(disablesUnsafeInline('style-src', ["'self'", "'sha256-a='"], [boot]), "no 'unsafe-inline' to disable").toBeUndefined();
});

// Issue 39: an Angular page's `new Function('')` feature probe was blocked, no journey failed, and
// the suggestion was `'unsafe-eval'` at high cost.
test('a violation blocked only in journeys that passed says first that leaving it blocked is safe', () => {
  const probe: ViolationGroup = { kind: 'csp', directive: 'script-src', blockedUrl: 'eval', source: 'http://127.0.0.1:1/angular.js', sample: '', disposition: 'enforce', journey: 'login', pageUrl: 'http://127.0.0.1:1/', count: 1, channels: ['event'] };
  const model = { set: {}, remove: [], csp: { reportOnly: false, directives: { 'script-src': ["'self'"] } } };
  const [harmless] = suggestFixes(model, [probe], [], new Set(['login']));
  expect(harmless!.nothingDependedOn).toBe(true);
  expect(harmless!.fix).toMatch(/^leaving it blocked is safe: login passed with it blocked/);
  expect(harmless!.fix).toContain("To allow it anyway: script-src 'self' 'unsafe-eval'");
  expect(harmless!.cost).toMatch(/^none while it stays blocked; allowing it: high/);
  // The same violation in a journey that failed is an allowance it needs.
  const [needed] = suggestFixes(model, [probe], [], new Set());
  expect(needed!.nothingDependedOn).toBeUndefined();
  expect(needed!.fix).toBe("script-src 'self' 'unsafe-eval'");
  // Report-only: nothing was blocked, so the passing journey proves nothing about blocking it.
  const [reported] = suggestFixes({ ...model, csp: { ...model.csp, reportOnly: true } }, [{ ...probe, disposition: 'report' }], [], new Set(['login']));
  expect(reported!.nothingDependedOn).toBeUndefined();
});

// Issue 38: Trusted Types. Measured on the lab in Chromium 156 and Firefox ESR 153.8 (maplibre-gl's
// worker from a blob URL, the service worker's registration from an inline script).
test('Trusted Types: each sink is its own finding, named with the script that called it, and the fix is the app\'s (or report-only), never a source', () => {
  const sink = (sample: string, source: string, journey = 'map'): Violation => ({ kind: 'csp', directive: 'require-trusted-types-for', blockedUrl: 'trusted-types-sink', sample, source, disposition: 'enforce', journey, pageUrl: 'http://127.0.0.1:1/map', channel: 'event' });
  const groups = dedupe([
    sink('Worker constructor|blob:http://127.0.0.1:1/3223', 'http://127.0.0.1:1/_app/immutable/chunks/maplibre-gl.js:46:22881'),
    sink('ServiceWorkerContainer register|/service-worker.js', 'http://127.0.0.1:1/map:34:66'),
    sink('ServiceWorkerContainer register|/service-worker.js', 'http://127.0.0.1:1/map:34:66'),
  ]);
  expect(groups.map((g) => [g.sample.split('|')[0], g.count])).toEqual([['Worker constructor', 1], ['ServiceWorkerContainer register', 2]]); // two calls from one place: one finding, counted twice
  const model = { set: {}, remove: [], csp: { reportOnly: false, directives: { 'require-trusted-types-for': ["'script'"] } } };
  const fixes = suggestFixes(model, groups, [], new Set());
  expect(fixes).toHaveLength(2);
  expect(fixes[0]!.fix).toBe("keep require-trusted-types-for 'script' report-only (or drop it): the Trusted Types sink Worker constructor called from http://127.0.0.1:1/_app/immutable/chunks/maplibre-gl.js:46:22881 gets a plain string (blob:http://127.0.0.1:1/3223). Enforce it only once the app passes a trusted value there: a Trusted Types policy (trustedTypes.createPolicy) that vets it, named in trusted-types");
  expect(fixes[0]!.cost).toMatch(/^medium while dropped: DOM sinks take plain strings again/);
  expect(fixes[1]!.fix).toContain('the Trusted Types sink ServiceWorkerContainer register called from http://127.0.0.1:1/map:34:66');
  // A policy name the app creates that trusted-types does not list: list it.
  const named = dedupe([{ ...sink('dompurify', 'http://127.0.0.1:1/app.js:1:10'), directive: 'trusted-types', blockedUrl: 'trusted-types-policy' }]);
  const [policyFix] = suggestFixes({ ...model, csp: { reportOnly: false, directives: { 'trusted-types': ['default'] } } }, named, [], new Set());
  expect(policyFix!.fix).toBe('trusted-types default dompurify — the app creates a Trusted Types policy named "dompurify" called from http://127.0.0.1:1/app.js:1:10; listing it lets the app create it');
  expect(policyFix!.cost).toMatch(/^low: /);
});
