import { test, expect } from '@playwright/test';
import { keepAppCsp, mergeBundles, planChanges, planExit, PlanError, stagePolicy, withReportUri, type PlanResult } from '../../src/plan/plan.js';
import { renderPlanHtml, renderPlanMarkdown } from '../../src/report/plan.js';
import type { Policy } from '../../src/policy/policy.js';

const policy = (name: string, p: Partial<Policy>): Policy => ({ name, description: name, file: `policies/${name}.yaml`, set: {}, remove: [], ...p });
const A = policy('bundle-a', { set: { 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'SAMEORIGIN' }, remove: ['X-Powered-By'], csp: { reportOnly: false, directives: { 'frame-ancestors': ["'self'"] } } });
const D = policy('bundle-d', { set: { 'Cross-Origin-Resource-Policy': 'same-origin' } });

test('the bundles merge into one candidate: headers, removals and enforced CSP directives together', () => {
  const merged = mergeBundles([A, D]);
  expect(merged.set).toEqual({ 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'SAMEORIGIN', 'Cross-Origin-Resource-Policy': 'same-origin' });
  expect(merged.remove).toEqual(['X-Powered-By']);
  expect(merged.csp).toEqual({ reportOnly: false, directives: { 'frame-ancestors': ["'self'"] } });
});

test('bundles that disagree on a header, or a report-only CSP bundle, are refused naming the file', () => {
  expect(() => mergeBundles([A, policy('other', { set: { 'X-Frame-Options': 'DENY' } })])).toThrow(/policies\/other\.yaml: set\.X-Frame-Options is "DENY", but an earlier bundle sets "SAMEORIGIN"/);
  expect(() => mergeBundles([A, policy('bundle-e', { csp: { reportOnly: true, directives: { 'default-src': ["'self'"] } } })])).toThrow(PlanError);
});

test('each stage adds the tuned CSP to the bundle layer: report-only, then enforced; the bundle\'s frame-ancestors joins it', () => {
  const bundle = mergeBundles([A, D]);
  const tuned = { 'default-src': ["'self'"], 'script-src': ["'self'", "'sha256-abc'"] };
  expect(stagePolicy('bundles', bundle, tuned)).toEqual(bundle);
  const ro = stagePolicy('csp-report-only', bundle, tuned);
  expect(ro.csp).toEqual({ reportOnly: true, directives: { ...tuned, 'frame-ancestors': ["'self'"] } });
  expect(ro.set['X-Frame-Options'], 'framing stays protected while the CSP only reports').toBe('SAMEORIGIN');
  expect(stagePolicy('csp-enforced', bundle, tuned).csp?.reportOnly).toBe(false);
  // An app whose CSP could not be tuned keeps the bundles only.
  expect(stagePolicy('csp-enforced', bundle, undefined)).toEqual(bundle);
});

test('the report-only stage\'s export reports to collect; other policies are left as they are', () => {
  const p = policy('x', { csp: { reportOnly: true, directives: { 'default-src': ["'self'"] } } });
  expect(withReportUri(p, 'https://edge.example.org/csp')?.csp?.directives['report-uri']).toEqual(['https://edge.example.org/csp']);
  expect(withReportUri(p, undefined)).toBe(p);
  expect(withReportUri(D, 'https://edge.example.org/csp')).toBe(D);
});

const result = (verdicts: string[], converged = true): PlanResult => ({
  tool: 'headerproof', kind: 'plan', targets: ['a', 'b'], browsers: 'chromium', bundles: ['policies/bundle-a.yaml'],
  subset: { policy: 'rollout-bundles', parts: [], shared: ['X-Frame-Options: SAMEORIGIN'], perTarget: [{ target: 'a', parts: [] }, { target: 'b', parts: [] }], refused: [], undecided: [] },
  tuned: [{ target: 'a', converged, allowances: [], unresolved: converged ? [] : ['<script>alert(1)</script> still blocked'] }],
  stages: [{ stage: 'bundles', title: 't', exports: {}, proofs: verdicts.map((v, i) => ({ stage: 'bundles', target: i ? 'b' : 'a', policy: 'p', file: 'f', verdict: v as 'safe', reasons: [], report: 'r' })) }],
  upstream: [], durationMs: 1000, exitCode: 0,
});

test('the plan\'s exit: 0 all proven, 1 a stage breaks an app, 3 incomplete (tune did not converge, or a verdict is not safe)', () => {
  expect(planExit(result(['safe', 'safe']))).toBe(0);
  expect(planExit(result(['safe', 'breaks']))).toBe(1);
  expect(planExit(result(['safe', 'would-break']))).toBe(1);
  expect(planExit(result(['safe', 'inconclusive']))).toBe(3);
  expect(planExit(result(['safe', 'safe'], false))).toBe(3);
});

test('the plan page escapes what tune and the runs said', () => {
  const r = result(['safe', 'safe'], false);
  const html = renderPlanHtml(r);
  expect(html).not.toContain('<script>alert(1)');
  expect(html).toContain('&#60;script&#62;alert(1)');
  expect(renderPlanMarkdown(r)).toContain('| bundles | **safe** | **safe** | no |');
});

test('the upgrade check: a stage\'s verdict, the tuned CSP\'s sources, convergence and the bundle parts, each change one line', () => {
  const before = result(['safe', 'safe']);
  before.tuned = [{ target: 'a', converged: true, directives: { 'script-src': ["'self'", "'sha256-old='"] }, allowances: [], unresolved: [] }];
  const after = result(['safe', 'breaks']);
  after.tuned = [{ target: 'a', converged: true, directives: { 'script-src': ["'self'", "'sha256-new='", "'wasm-unsafe-eval'"] }, allowances: [], unresolved: [] }];
  after.subset = { ...after.subset, perTarget: [{ target: 'a', parts: ['Cross-Origin-Resource-Policy: same-origin'] }, { target: 'b', parts: [] }] };
  expect(planChanges(before, after)).toEqual([
    "a: its CSP's script-src gained 'sha256-new=' 'wasm-unsafe-eval'",
    "a: its CSP's script-src lost 'sha256-old='",
    'a: now takes Cross-Origin-Resource-Policy: same-origin',
    'b: bundles was safe, now breaks',
  ]);
  expect(planChanges(before, before)).toEqual([]);
  expect(renderPlanMarkdown({ ...after, changes: planChanges(before, after) })).toContain('- b: bundles was safe, now breaks');
});

test('the edge never weakens an app\'s own CSP: no stage removes it, and a stage\'s CSP of that kind goes beside it', () => {
  const body = { set: { 'X-Frame-Options': 'SAMEORIGIN' }, remove: ['X-Powered-By', 'Content-Security-Policy'], csp: { reportOnly: false, directives: { 'default-src': ["'self'"] } } };
  const own = { 'content-security-policy': "script-src 'nonce-r4nd0m' 'strict-dynamic'", 'x-frame-options': 'DENY' };
  const { body: kept, kept: names } = keepAppCsp(body, own);
  expect(kept.remove).toEqual(['X-Powered-By']);
  expect(kept.csp).toEqual({ ...body.csp, alongside: true });
  expect(names).toEqual(['content-security-policy']);
  // A report-only stage's CSP is another header: the app's enforced one is only kept from removal.
  const ro = keepAppCsp({ ...body, csp: { ...body.csp, reportOnly: true } }, own);
  expect(ro.body.csp?.alongside).toBeUndefined();
  expect(ro.body.remove).toEqual(['X-Powered-By']);
  // An app that sends no CSP: the stage as it was.
  expect(keepAppCsp(body, { 'x-frame-options': 'DENY' })).toEqual({ body, kept: [] });
  expect(keepAppCsp(body, undefined)).toEqual({ body, kept: [] });
});

test('the plan page names each CSP an app sends itself and the stages that kept it, escaped', () => {
  const r = { ...result(['safe', 'safe']), appCsp: [{ target: 'a', header: 'content-security-policy', value: "script-src 'nonce-x' <script>", keptIn: ['csp-report-only' as const, 'csp-enforced' as const] }] };
  const html = renderPlanHtml(r);
  expect(html).toContain('CSPs the apps send themselves: kept');
  expect(html).toContain('&#60;script&#62;');
  expect(html).not.toContain("'nonce-x' <script>");
  expect(renderPlanMarkdown(r)).toContain('kept in csp-report-only, csp-enforced');
});
