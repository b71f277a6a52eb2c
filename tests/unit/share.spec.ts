// Enforced candidates sharing a pass (src/proxy/share.ts) and whether it may stand for each member
// (src/verdict/shared.ts): "restriction only" per header kind, grouping, the combined headers, the
// split of an unclean pass, and the settling of verdicts.
import { test, expect } from '@playwright/test';
import { applySharedEdits, intersectPermissions, planShares, replacesUpstream, restrictionOnly, serializePermissions, splitShared } from '../../src/proxy/share.js';
import { parsePermissionsPolicy } from '../../src/policy/permissions-policy.js';
import { settleShared, pointsAt, uncleanJourneys } from '../../src/verdict/shared.js';
import { mergeSplit, type JourneyRecord } from '../../src/report/summary.js';
import { parsePolicy, type Policy } from '../../src/policy/policy.js';
import type { PolicyVerdict } from '../../src/report/model.js';
import type { ViolationGroup } from '../../src/observe/violation.js';

const pol = (name: string, extra: Partial<Policy> = {}): Policy => ({ name, description: name, file: `policies/${name}.yaml`, set: {}, remove: [], ...extra });
const csp = (directives: Record<string, string[]>, reportOnly = false) => ({ csp: { reportOnly, directives } });
const ok = (p: Policy) => restrictionOnly(p).ok;
const why = (p: Policy) => { const r = restrictionOnly(p); return r.ok ? '' : r.why; };

test('CSP: enforced or report-only is a restriction, upgrade-insecure-requests is not', () => {
  expect(ok(pol('a', csp({ 'script-src': ["'self'"] })))).toBe(true);
  expect(ok(pol('a', csp({ 'upgrade-insecure-requests': [] }, true)))).toBe(true);
  expect(why(pol('a', csp({ 'default-src': ["'self'"], 'upgrade-insecure-requests': [] })))).toContain('upgrade-insecure-requests');
});

test('Permissions-Policy is a restriction when it parses', () => {
  expect(ok(pol('a', { set: { 'Permissions-Policy': 'fullscreen=(), camera=(self)' } }))).toBe(true);
  expect(why(pol('a', { set: { 'Permissions-Policy': 'fullscreen self' } }))).toContain('does not parse');
});

test('Referrer-Policy shares only when it sends no more than the default', () => {
  for (const v of ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin', 'unsafe-url, same-origin']) expect(ok(pol('a', { set: { 'Referrer-Policy': v } })), v).toBe(true);
  for (const v of ['unsafe-url', 'origin', 'no-referrer-when-downgrade', 'origin-when-cross-origin']) expect(why(pol('a', { set: { 'Referrer-Policy': v } })), v).toContain('sends more');
});

test('X-Frame-Options, nosniff, CORP, COOP, COEP and HSTS are restrictions; other headers are not', () => {
  expect(ok(pol('a', { set: { 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff', 'Cross-Origin-Resource-Policy': 'same-origin', 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Strict-Transport-Security': 'max-age=86400' } }))).toBe(true);
  expect(why(pol('a', { set: { 'X-Frame-Options': 'ALLOW-FROM https://a.example' } }))).toContain('not DENY or SAMEORIGIN');
  expect(why(pol('a', { set: { 'Access-Control-Allow-Origin': '*' } }))).toContain('not a restriction');
  expect(why(pol('a', { set: { 'Cache-Control': 'no-store' } }))).toContain('not a restriction');
});

test('removals share only for headers no browser acts on, or the CSP the policy itself sets', () => {
  expect(ok(pol('a', { remove: ['X-Powered-By', 'Server'] }))).toBe(true);
  expect(ok(pol('a', { remove: ['Content-Security-Policy'], ...csp({ 'default-src': ["'self'"] }) }))).toBe(true);
  expect(why(pol('a', { remove: ['Content-Security-Policy'] }))).toContain('removing Content-Security-Policy');
  expect(why(pol('a', { remove: ['Content-Security-Policy'], ...csp({ 'default-src': ["'self'"] }, true) }))).toContain('removing');
});

test('grouping: restriction-only candidates whose single-valued headers agree share; the rest run alone', () => {
  const a = pol('a', { set: { 'X-Frame-Options': 'SAMEORIGIN' }, remove: ['X-Powered-By'] });
  const b = pol('b', { set: { 'Strict-Transport-Security': 'max-age=86400' } });
  const c = pol('c', { set: { 'X-Frame-Options': 'DENY' } });
  const d = pol('d', { set: { 'X-Frame-Options': 'DENY', 'Permissions-Policy': 'fullscreen=()' } });
  const e = pol('e', { set: { 'Referrer-Policy': 'unsafe-url' } });
  const f = pol('f', csp({ 'img-src': ["'self'"] }, true));
  expect(planShares([a, b, c, d, e, f], true)).toEqual({ groups: [[a, b, f], [c, d]], alone: [e] });
  expect(planShares([a, e], true)).toEqual({ groups: [], alone: [a, e] });
  expect(planShares([a, b], false)).toEqual({ groups: [], alone: [a, b] });
});

test('Permissions-Policy allowlists combine to the narrowest', () => {
  const pp = (v: string) => parsePermissionsPolicy(v);
  const out = intersectPermissions([pp('fullscreen=(self), camera=*, geolocation=(self "https://a.example")'), pp('fullscreen=(), camera=(self), geolocation=("https://a.example")'), pp('usb=()')]);
  expect(serializePermissions(out)).toBe('fullscreen=(), camera=(self), geolocation=("https://a.example"), usb=()');
});

test('the combined headers: a CSP line per member reporting to its slot beside the app\'s own, the narrowest Permissions-Policy, agreed values', () => {
  const headers: Record<string, string | string[]> = { 'content-security-policy': "default-src 'self'", 'permissions-policy': 'camera=()', 'x-powered-by': 'Express' };
  const a = pol('a', { ...csp({ 'img-src': ["'self'"] }), set: { 'Permissions-Policy': 'fullscreen=(self)', 'X-Frame-Options': 'DENY' }, remove: ['X-Powered-By'] });
  const b = pol('b', { ...csp({ 'connect-src': ["'self'"] }, true), set: { 'Permissions-Policy': 'fullscreen=()', 'X-Frame-Options': 'DENY' } });
  const c = pol('c', { ...csp({ 'font-src': ["'none'"] }), paths: ['/api'] });
  const r = applySharedEdits(headers, [a, b, c], 'http://127.0.0.1:9', '/photos');
  expect(headers['content-security-policy']).toEqual(["default-src 'self'", "img-src 'self'; report-uri http://127.0.0.1:9/__headerproof/report/stack-0"]);
  expect(headers['content-security-policy-report-only']).toEqual(["connect-src 'self'; report-uri http://127.0.0.1:9/__headerproof/report/stack-1"]);
  expect(headers['permissions-policy']).toBe('camera=(), fullscreen=()');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-powered-by']).toBeUndefined();
  expect(r.replaced.sort()).toEqual(['content-security-policy', 'permissions-policy']);
  expect(r.unsound).toBeUndefined();
});

test('a pass is unsound where the app\'s own single-valued header meets a member that changes it and one that leaves it', () => {
  const a = pol('a', { set: { 'Referrer-Policy': 'strict-origin' } });
  const b = pol('b', { set: { 'X-Content-Type-Options': 'nosniff' } });
  expect(applySharedEdits({ 'referrer-policy': 'no-referrer' }, [a, b], 'http://x', '/').unsound).toContain('referrer-policy');
  expect(applySharedEdits({ 'referrer-policy': 'strict-origin' }, [a, b], 'http://x', '/').unsound).toBeUndefined();
  expect(applySharedEdits({}, [a, b], 'http://x', '/').unsound).toBeUndefined();
});

test('splitting an unclean pass: those the findings point at alone, the rest together, else halves; always smaller', () => {
  const m = (name: string, pointed = false) => ({ name, pointed });
  expect(splitShared([m('a', true), m('b'), m('c')])).toEqual([['a'], ['b', 'c']]);
  expect(splitShared([m('a'), m('b'), m('c')])).toEqual([['a', 'b'], ['c']]);
  expect(splitShared([m('a', true), m('b', true)])).toEqual([['a'], ['b']]);
  expect(splitShared([m('a')])).toEqual([['a']]);
});

const violation = (kind: ViolationGroup['kind'], directive: string): ViolationGroup => ({ kind, directive, blockedUrl: 'inline', disposition: 'enforce', source: '', sample: '', channels: ['event'], count: 1, journeys: ['j'] }) as unknown as ViolationGroup;
const verdictOf = (name: string, verdict: PolicyVerdict['verdict'], newViolations: ViolationGroup[] = [], set: Record<string, string> = {}): PolicyVerdict => ({
  policy: { name, file: `${name}.yaml`, description: '', served: {}, model: { set, remove: [] } }, verdict, reasons: [verdict], replacedUpstreamHeaders: [], warnings: [], suggestions: [],
  journeys: [{ journey: 'j', baseline: 'passed', candidate: verdict === 'breaks' ? 'failed' : 'passed', violations: newViolations, newViolations }],
});

test('a clean shared pass stands for each member; any finding or an unsound pass settles none', () => {
  const pass = { name: 'shared pass 1', with: ['b'] };
  const a = verdictOf('a', 'safe');
  expect(settleShared(a, pass, [a, verdictOf('b', 'safe')])).toMatchObject({ verdict: 'safe', sharedWith: ['b'] });
  const unclean = settleShared(a, pass, [a, verdictOf('b', 'breaks')]);
  expect(unclean).toMatchObject({ verdict: 'inconclusive', unsettled: { with: ['b'], pointed: false } });
  expect(unclean.reasons[0]).toContain('b breaks');
  expect(settleShared(a, { ...pass, unsound: 'the app sends its own' }, [a, verdictOf('b', 'safe')]).verdict).toBe('inconclusive');
  // A journey failing on the baseline too leaves a member inconclusive alone; the pass is still clean.
  const baselineFails: PolicyVerdict = { ...verdictOf('b', 'inconclusive'), journeys: [{ journey: 'k', baseline: 'failed', candidate: 'failed', violations: [], newViolations: [] }] };
  expect(settleShared(a, pass, [a, baselineFails])).toMatchObject({ verdict: 'safe', sharedWith: ['b'] });
  expect(settleShared(baselineFails, { ...pass, with: ['a'] }, [a, baselineFails])).toMatchObject({ verdict: 'inconclusive', sharedWith: ['a'] });
  expect(pointsAt(verdictOf('c', 'breaks', [violation('csp', 'script-src-elem')]))).toBe(true);
  expect(pointsAt(verdictOf('c', 'breaks', [violation('permissions-policy', 'fullscreen')], { 'Permissions-Policy': 'fullscreen=()' }))).toBe(true);
  expect(pointsAt(verdictOf('c', 'breaks', [violation('permissions-policy', 'fullscreen')], { 'Permissions-Policy': 'camera=()' }))).toBe(false);
  expect(pointsAt(verdictOf('c', 'breaks', [violation('corp', '')]))).toBe(false);
});

test('an unclean pass names the journeys to re-run: those not clean for some member; all when it proved nothing', () => {
  const twoJourneys = (name: string, failing: string | undefined, violations: Record<string, ViolationGroup[]> = {}): PolicyVerdict => ({
    ...verdictOf(name, failing ? 'breaks' : 'safe'),
    journeys: ['login', 'slideshow', 'slideshow@firefox'].map((journey) => ({ journey, baseline: 'passed' as const, candidate: journey === failing ? 'failed' as const : 'passed' as const, violations: violations[journey] ?? [], newViolations: violations[journey] ?? [] })),
  });
  const x = { ...twoJourneys('x', 'slideshow', { slideshow: [violation('permissions-policy', 'fullscreen')] }), policy: verdictOf('x', 'breaks', [], { 'Permissions-Policy': 'fullscreen=()' }).policy };
  const y = twoJourneys('y', undefined, { 'slideshow@firefox': [violation('csp', 'img-src')] });
  const pass = { name: 'shared pass 1', with: ['y'] };
  expect(uncleanJourneys(pass, [x, y])).toEqual(['slideshow', 'slideshow@firefox']);
  expect(settleShared(x, pass, [x, y]).unsettled).toEqual({ with: ['y'], pointed: true, journeys: ['slideshow', 'slideshow@firefox'] });
  expect(uncleanJourneys({ ...pass, unsound: 'the app sends its own' }, [x, y])).toBeUndefined();
  expect(settleShared(x, { ...pass, unsound: 'the app sends its own' }, [x, y]).unsettled?.journeys).toBeUndefined();
});

test('after a split, the re-run journeys are replaced and the members keep their clean ones as their own', () => {
  const rec = (project: string, journey: string, status: 'passed' | 'failed', sharedPass?: string): JourneyRecord => ({
    project, role: 'candidate', policyFile: `${project}.yaml`, result: { journey, status, violations: [], upstreamErrors: 0 }, ...(sharedPass ? { sharedPass } : {}),
  });
  const base: JourneyRecord = { project: 'baseline', role: 'baseline', policyFile: 'policies/baseline.yaml', result: { journey: 'login', status: 'passed', violations: [], upstreamErrors: 0 } };
  const records = [base,
    rec('x', 'login', 'passed', 'shared pass 1'), rec('x', 'slideshow', 'failed', 'shared pass 1'), rec('x', 'slideshow@firefox', 'failed', 'shared pass 1'),
    rec('y', 'login', 'passed', 'shared pass 1'), rec('y', 'slideshow', 'failed', 'shared pass 1'), rec('y', 'slideshow@firefox', 'failed', 'shared pass 1'),
    rec('z', 'login', 'passed', 'shared pass 2')];
  const fresh = [rec('x', 'slideshow', 'failed'), rec('x', 'slideshow@firefox', 'failed'), rec('y', 'slideshow', 'passed', 'shared pass 1'), rec('y', 'slideshow@firefox', 'passed', 'shared pass 1')];
  const merged = mergeSplit(records, fresh, new Set(['x', 'y']), ['slideshow'], 'split-1');
  const line = (r: JourneyRecord) => `${r.project} ${r.result.journey} ${r.result.status}${r.sharedPass ? ` (${r.sharedPass})` : ''}`;
  expect(merged.map(line).sort()).toEqual([
    'baseline login passed',
    'x login passed', 'x slideshow failed', 'x slideshow@firefox failed',
    'y login passed', 'y slideshow passed (split-1/shared pass 1)', 'y slideshow@firefox passed (split-1/shared pass 1)',
    'z login passed (shared pass 2)',
  ]);
  // A journey named with its engine re-runs (and replaces) that engine's record only.
  const firefoxOnly = mergeSplit(records, [rec('x', 'slideshow@firefox', 'failed')], new Set(['x']), ['slideshow@firefox'], 'split-1');
  expect(firefoxOnly.filter((r) => r.project === 'x').map(line).sort()).toEqual(['x login passed', 'x slideshow failed', 'x slideshow@firefox failed']);
  // Without a list (the pass proved nothing) every record of the members is replaced.
  expect(mergeSplit(records, fresh, new Set(['x', 'y']), undefined, 'split-1').filter((r) => r.project === 'x').map(line).sort()).toEqual(['x slideshow failed', 'x slideshow@firefox failed']);
});

test('a candidate that replaces a header the target sends itself does not share a pass', () => {
  const p = (name: string, yaml: string) => parsePolicy(`name: ${name}\ndescription: d\n${yaml}`);
  // Actual 25.6.0 sends COOP same-origin and COEP require-corp on its pages.
  const upstream = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'content-security-policy': "default-src 'self'" };
  const coop = p('coop-unsafe', 'set:\n  Cross-Origin-Opener-Policy: unsafe-none');
  const same = p('coop-same', 'set:\n  Cross-Origin-Opener-Policy: same-origin');
  const xfo = p('xfo', 'set:\n  X-Frame-Options: DENY');
  const ownCsp = p('own-csp', `remove: [Content-Security-Policy]\ncsp:\n  directives:\n    default-src: ["'self'"]`);
  expect(replacesUpstream(coop, upstream)).toContain('cross-origin-opener-policy');
  expect(replacesUpstream(same, upstream)).toBeUndefined();
  expect(replacesUpstream(ownCsp, upstream)).toContain('content-security-policy');
  expect(replacesUpstream(ownCsp, {})).toBeUndefined();
  const plan = planShares([coop, same, xfo, ownCsp], true, upstream);
  expect(plan.groups.map((g) => g.map((m) => m.name))).toEqual([['coop-same', 'xfo']]);
  expect(plan.alone.map((m) => m.name)).toEqual(['coop-unsafe', 'own-csp']);
  // Without the target's headers (not read: --no-share, or a copy that could not start) the old plan stands; the proxy then flags the pass.
  expect(planShares([coop, same, xfo], true).groups.map((g) => g.map((m) => m.name))).toEqual([['coop-unsafe', 'xfo']]);
});

test('a shared pass keeps the app\'s own CSP beside the members\' CSPs', () => {
  const members = [
    parsePolicy(`name: a\ndescription: d\nremove: [Content-Security-Policy]\ncsp:\n  directives:\n    script-src: ["'self'"]`),
    parsePolicy(`name: b\ndescription: d\nset:\n  X-Frame-Options: DENY`),
  ];
  const headers: Record<string, string | string[]> = { 'content-security-policy': "img-src 'self'" };
  applySharedEdits(headers, members, 'http://127.0.0.1:1', '/');
  const lines = headers['content-security-policy'] as string[];
  expect(lines[0]).toBe("img-src 'self'");
  expect(lines[1]).toContain("script-src 'self'");
});
