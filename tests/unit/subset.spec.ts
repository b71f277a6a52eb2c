import { test, expect } from '@playwright/test';
import { governingDirective, planSubset, policyOfParts } from '../../src/subset/subset.js';
import { PERMISSIVE } from '../../src/blame/blame.js';
import { decideVerdict } from '../../src/verdict/verdict.js';
import type { PolicyModel } from '../../src/blame/suggest.js';
import type { JourneyResult, PolicyVerdict } from '../../src/report/model.js';
import type { ViolationGroup } from '../../src/observe/violation.js';

const model: PolicyModel = {
  set: { 'X-Frame-Options': 'DENY', 'Permissions-Policy': 'camera=(), fullscreen=()' },
  remove: [],
  csp: { reportOnly: false, directives: { 'default-src': ["'self'"], 'script-src': ["'self'"], 'connect-src': ["'self'"] } },
};
const info = { name: 'edge', file: 'edge.yaml', description: '', served: {}, model };
const ok = (journey: string, violations: ViolationGroup[] = []): JourneyResult => ({ journey, status: 'passed', violations, upstreamErrors: 0 });
const failed = (journey: string): JourneyResult => ({ journey, status: 'failed', error: 'x', violations: [], upstreamErrors: 0 });
const blocked = (journey: string, directive: string, blockedUrl: string): ViolationGroup => ({ kind: 'csp', directive, blockedUrl, source: '', sample: '', disposition: 'enforce', journey, pageUrl: 'http://127.0.0.1:1/', count: 1, channels: ['event'] });
const verdict = (candidate: JourneyResult[], blame?: PolicyVerdict['blame']): PolicyVerdict => ({ ...decideVerdict(info, candidate.map((c) => ok(c.journey)), candidate), ...(blame ? { blame } : {}) });

const SCRIPT = "Content-Security-Policy: script-src 'self'";
const CONNECT = "Content-Security-Policy: connect-src 'self'";
const DEFAULT = "Content-Security-Policy: default-src 'self'";

test('subset: a part one target objects to leaves the shared layer and goes on top for the others', () => {
  const plan = planSubset(model, 'edge', [
    { target: 'photos', verdict: verdict([failed('timeline'), ok('login')], [{ journey: 'timeline', blamed: [SCRIPT] }]) },
    { target: 'flows', verdict: verdict([ok('editor', [blocked('editor', 'connect-src', 'https://catalogue.nodered.org')])]) },
    { target: 'budget', verdict: verdict([ok('login')]) },
  ]);
  expect(plan.parts).toEqual(['X-Frame-Options: DENY', 'Permissions-Policy: camera=()', 'Permissions-Policy: fullscreen=()', DEFAULT, SCRIPT, CONNECT]);
  expect(plan.shared).toEqual(['X-Frame-Options: DENY', 'Permissions-Policy: camera=()', 'Permissions-Policy: fullscreen=()', DEFAULT]);
  expect(plan.perTarget).toEqual([{ target: 'photos', parts: [CONNECT] }, { target: 'flows', parts: [SCRIPT] }, { target: 'budget', parts: [SCRIPT, CONNECT] }]);
  expect(plan.refused).toEqual([{ part: SCRIPT, target: 'photos', why: 'timeline fails' }, { part: CONNECT, target: 'flows', why: 'editor: csp connect-src https://catalogue.nodered.org' }]);
  expect(plan.undecided).toEqual([]);
  // The shared layer as a policy: the left-out directives stand in as "allow everything", because
  // default-src stays and would otherwise govern scripts and connections.
  expect(policyOfParts(model, plan.shared)).toEqual({ set: { 'X-Frame-Options': 'DENY', 'Permissions-Policy': 'camera=(), fullscreen=()' }, csp: { reportOnly: false, directives: { 'default-src': ["'self'"], 'script-src': PERMISSIVE, 'connect-src': PERMISSIVE } } });
  // Without default-src, a left-out directive is simply absent.
  expect(policyOfParts(model, [SCRIPT])).toEqual({ csp: { reportOnly: false, directives: { 'script-src': ["'self'"] } } });
});

test('subset: a violation is charged to the directive that governs it; a failure nobody blamed leaves nothing shared', () => {
  expect(governingDirective('script-src-elem', ['default-src'])).toBe('default-src');
  expect(governingDirective('script-src-elem', ['script-src', 'default-src'])).toBe('script-src');
  expect(governingDirective('worker-src', ['script-src', 'default-src'])).toBe('script-src');
  expect(governingDirective('img-src', ['script-src'])).toBeUndefined();
  const plan = planSubset(model, 'edge', [
    { target: 'photos', verdict: verdict([failed('timeline')]) }, // breaks, no blame ran
    { target: 'flows', verdict: verdict([ok('editor', [blocked('editor', 'img-src', 'https://x.example')])]) }, // default-src governs img-src
  ]);
  expect(plan.undecided).toEqual([{ target: 'photos', why: 'timeline fails and was not blamed: which part to leave out is unknown' }]);
  expect(plan.shared).toEqual([]);
  expect(plan.refused).toEqual([{ part: DEFAULT, target: 'flows', why: 'editor: csp img-src https://x.example' }]);
  expect(plan.perTarget.find((t) => t.target === 'photos')!.parts).toEqual([]);
});
