import { test, expect } from '@playwright/test';
import { diffSummaries, renderDiff, violationName } from '../../src/report/diff.js';
import { decideVerdict } from '../../src/verdict/verdict.js';
import type { ViolationGroup } from '../../src/observe/violation.js';
import type { JourneyResult, Summary } from '../../src/report/model.js';

const info = { name: 'bundle-e', file: 'f', description: '', served: {} };
const ok = (journey: string, violations: ViolationGroup[] = []): JourneyResult => ({ journey, status: 'passed', violations, upstreamErrors: 0 });
const inline = (port: number): ViolationGroup => ({ kind: 'csp', directive: 'script-src-elem', blockedUrl: 'inline', source: `http://127.0.0.1:${port}/auth/login:30:9`, sample: '', disposition: 'report', journey: 'login', pageUrl: `http://127.0.0.1:${port}/auth/login`, count: 1, channels: ['event'] });
const summary = (candidate: JourneyResult[]): Summary => ({ tool: 'headerproof', version: '0', target: 'lab', startedAt: '', durationMs: 0, baseline: [ok('login')], policies: [decideVerdict(info, [ok('login')], candidate)], exitCode: 0 });

test('the same violation on another port is not a difference', () => {
  expect(violationName(inline(1111))).toBe(violationName(inline(2222)));
  const d = diffSummaries(summary([ok('login', [inline(1111)])]), summary([ok('login', [inline(2222)])]));
  expect(d).toMatchObject({ verdicts: [], appeared: [], disappeared: [], regressed: false });
  expect(renderDiff(d)).toContain('no differences');
});

test('a new violation after an upgrade is a regression; a fixed one disappears', () => {
  const d = diffSummaries(summary([ok('login')]), summary([ok('login', [inline(3)])]));
  expect(d.verdicts).toEqual([{ policy: 'bundle-e', before: 'safe', after: 'would-break' }]);
  expect(d.appeared).toEqual([{ policy: 'bundle-e', violation: 'login: csp script-src-elem inline (report) at (self)/auth/login:30:9' }]);
  expect(d.regressed).toBe(true);
  const back = diffSummaries(summary([ok('login', [inline(3)])]), summary([ok('login')]));
  expect(back.disappeared).toHaveLength(1);
  expect(back.regressed).toBe(false);
});
