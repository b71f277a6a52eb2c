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
  // --fail-on breaks (a CI gate): report-only findings no longer fail the run; a break still does,
  // and a run that decided nothing still says so.
  const breaks = decideVerdict(policy, [ok('a')], [failed('a')]);
  expect(breaks.verdict).toBe('breaks');
  expect(exitCodeFor([ok('a')], [safe, wb], 'breaks')).toBe(0);
  expect(exitCodeFor([ok('a')], [wb, breaks], 'breaks')).toBe(1);
  expect(exitCodeFor([failed('a')], [wb], 'breaks')).toBe(3);
});

test('a journey that fails while the target errs is inconclusive, never blamed on the policy', () => {
  const flaky: JourneyResult = { journey: 'video', status: 'failed', error: 'reset', violations: [], upstreamErrors: 2 };
  const r = decideVerdict(policy, [ok('video')], [flaky]);
  expect(r.verdict).toBe('inconclusive');
  expect(r.reasons[0]).toContain('target was unreachable or erring');
  expect(exitCodeFor([ok('video')], [r])).toBe(3);
});

const skipped = (journey: string, extra: Partial<JourneyResult> = {}): JourneyResult => ({ journey, status: 'skipped', error: 'the target library has no assets to show', violations: [], upstreamErrors: 0, ...extra });

test('a policy never turns a failure into a skip: skipped with the policy after passing without it is not safe', () => {
  const r = decideVerdict(policy, [ok('login'), ok('timeline')], [ok('login'), skipped('timeline')]);
  expect(r.verdict).toBe('inconclusive');
  expect(r.reasons.join()).toContain('timeline passes without the policy but was skipped with it');
});

test('a skip decided by what the page showed, after the baseline passed, breaks', () => {
  const r = decideVerdict(policy, [ok('timeline')], [skipped('timeline', { skippedAfterNavigation: true })]);
  expect(r.verdict).toBe('breaks');
  expect(r.reasons[0]).toContain('with it the page did not show what the journey needs');
});

test('interrupted or missing with the policy after passing without it is inconclusive, not neutral', () => {
  const interrupted: JourneyResult = { journey: 'map', status: 'interrupted', violations: [], upstreamErrors: 0 };
  expect(decideVerdict(policy, [ok('map')], [interrupted]).verdict).toBe('inconclusive');
  const missing = decideVerdict(policy, [ok('login'), ok('map')], [ok('login')]);
  expect(missing.verdict).toBe('inconclusive');
  expect(missing.journeys.map((j) => [j.journey, j.candidate])).toEqual([['login', 'passed'], ['map', 'interrupted']]);
  expect(missing.reasons.join()).toContain('map passes without the policy but was interrupted with it');
});

test('a skip the baseline shares is neutral, even after navigation', () => {
  const r = decideVerdict(policy, [ok('login'), skipped('video')], [ok('login'), skipped('video', { skippedAfterNavigation: true })]);
  expect(r.verdict).toBe('safe');
});

test('breaks and would-break stand even when other journeys are inconclusive; safe needs every journey conclusive', () => {
  const breaks = decideVerdict(policy, [failed('login'), ok('map')], [failed('login'), failed('map')]);
  expect(breaks.verdict).toBe('breaks');
  expect(breaks.reasons.join(' | ')).toContain('login fails on the baseline too');
  const wouldBreak = decideVerdict(policy, [failed('login'), ok('map')], [failed('login'), ok('map', [v({ journey: 'map' })])]);
  expect(wouldBreak.verdict).toBe('would-break');
  const unproven = decideVerdict(policy, [failed('login'), ok('map')], [failed('login'), ok('map')]);
  expect(unproven.verdict).toBe('inconclusive');
});

test('exit codes: a policy that breaks what worked exits 1 even with part of the baseline failing; 3 only when nothing was decided', () => {
  const baseline = [failed('login'), ok('map')];
  const breaks = decideVerdict(policy, baseline, [failed('login'), failed('map')]);
  const inconclusive = decideVerdict(policy, baseline, [failed('login'), ok('map')]);
  expect(exitCodeFor(baseline, [breaks, inconclusive])).toBe(1);
  expect(exitCodeFor(baseline, [inconclusive])).toBe(3);
  expect(exitCodeFor(baseline, [])).toBe(3);
  expect(exitCodeFor([ok('map')], [])).toBe(0);
});

test('a journey that passed on a retry is not blamed, and the reasons say it was flaky', () => {
  const r = decideVerdict(policy, [ok('login'), ok('timeline')], [ok('login'), { ...ok('timeline'), flaky: 'Test timeout of 120000ms exceeded.' }]);
  expect(r.verdict).toBe('safe');
  expect(r.journeys.find((j) => j.journey === 'timeline')!.flaky).toBe('Test timeout of 120000ms exceeded.');
  expect(r.reasons).toContain('timeline failed once with the policy and passed when run again (flaky, not blamed on the policy): Test timeout of 120000ms exceeded.');
  // A failure on every try is a break as before.
  expect(decideVerdict(policy, [ok('timeline')], [failed('timeline')]).verdict).toBe('breaks');
});
