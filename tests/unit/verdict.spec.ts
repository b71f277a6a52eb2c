import { test, expect } from '@playwright/test';
import { decideVerdict, exitCodeFor } from '../../src/verdict/verdict.js';
import type { ViolationGroup } from '../../src/observe/violation.js';
import type { JourneyResult, PolicyInfo } from '../../src/report/model.js';

const policy: PolicyInfo = { name: 'p', file: 'p.yaml', description: '', served: {} };
const ok = (journey: string, violations: ViolationGroup[] = []): JourneyResult => ({ journey, status: 'passed', violations, upstreamErrors: 0 });
const failed = (journey: string): JourneyResult => ({ journey, status: 'failed', error: 'boom', violations: [], upstreamErrors: 0 });
const v = (over: Partial<ViolationGroup>): ViolationGroup => ({ kind: 'csp', directive: 'script-src-elem', blockedUrl: 'inline', source: 'x:8:1', sample: '', disposition: 'report', journey: 'login', pageUrl: '', count: 1, channels: ['event'], ...over });

test('safe: all pass, nothing new', () => {
  const r = decideVerdict(policy, [ok('login'), ok('timeline')], [ok('login'), ok('timeline')]);
  expect(r.verdict).toBe('safe');
});

test('would-break: report-only violations the baseline lacks', () => {
  const r = decideVerdict(policy, [ok('login')], [ok('login', [v({})])]);
  expect(r.verdict).toBe('would-break');
  expect(r.journeys[0]!.newViolations).toHaveLength(1);
  expect(r.reasons.join()).toContain('script-src-elem inline');
});

test('violations the baseline already has are not blamed', () => {
  const existing = v({ disposition: 'enforce' }); // e.g. the app's own CSP
  const r = decideVerdict(policy, [ok('login', [existing])], [ok('login', [existing])]);
  expect(r.verdict).toBe('safe');
});

test('noise kinds (console errors, page errors) never make a verdict', () => {
  const r = decideVerdict(policy, [ok('login')], [ok('login', [v({ kind: 'console-error', blockedUrl: '' }), v({ kind: 'page-error', blockedUrl: '' })])]);
  expect(r.verdict).toBe('safe');
});

test('breaks: passes on baseline, fails with the policy', () => {
  const r = decideVerdict(policy, [ok('login'), ok('timeline')], [failed('login'), ok('timeline', [v({})])]);
  expect(r.verdict).toBe('breaks');
  expect(r.reasons[0]).toContain('login passes without the policy but fails with it');
});

test('inconclusive: the baseline itself fails', () => {
  const r = decideVerdict(policy, [failed('login')], [failed('login')]);
  expect(r.verdict).toBe('inconclusive');
  expect(exitCodeFor([failed('login')], [r])).toBe(3);
});

test('skipped journeys (no data on the target) are neither blamed nor inconclusive', () => {
  const skipped: JourneyResult = { journey: 'video', status: 'skipped', error: 'no video', violations: [], upstreamErrors: 0 };
  const r = decideVerdict(policy, [ok('login'), skipped], [ok('login'), skipped]);
  expect(r.verdict).toBe('safe');
});

test('exit codes: 0 safe, 1 breaks or would-break', () => {
  const safe = decideVerdict(policy, [ok('a')], [ok('a')]);
  const wb = decideVerdict(policy, [ok('a')], [ok('a', [v({ journey: 'a' })])]);
  expect(exitCodeFor([ok('a')], [safe])).toBe(0);
  expect(exitCodeFor([ok('a')], [safe, wb])).toBe(1);
});

test('a journey that fails while the target errs is inconclusive, never blamed on the policy', () => {
  const flaky: JourneyResult = { journey: 'video', status: 'failed', error: 'reset', violations: [], upstreamErrors: 2 };
  const r = decideVerdict(policy, [ok('video')], [flaky]);
  expect(r.verdict).toBe('inconclusive');
  expect(r.reasons[0]).toContain('target was unreachable or erring');
  expect(exitCodeFor([ok('video')], [r])).toBe(3);
});
