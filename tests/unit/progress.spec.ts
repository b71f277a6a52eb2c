// The CLI's progress output: a redrawn policy × journey grid on a terminal, plain lines in CI.
import { test, expect } from '@playwright/test';
import type { Suite, TestCase, TestResult } from '@playwright/test/reporter';
import ProgressReporter from '../../src/report/progress.js';

// Just the parts of Playwright's TestCase the reporter reads.
function testCase(project: string, journey: string): TestCase {
  return { location: { file: `/x/tests/journeys/${journey}.spec.ts`, line: 1, column: 1 }, parent: { project: () => ({ name: project }) }, annotations: [] } as unknown as TestCase;
}
const tests = ['baseline', 'bundle-c'].flatMap((p) => ['login', 'map'].map((j) => testCase(p, j)));
const suite = { allTests: () => tests } as unknown as Suite;
const result = (status: TestResult['status'], message?: string) => ({ status, duration: 1234, error: message ? { message } : undefined }) as unknown as TestResult;

function capture(run: () => void): string {
  const log = console.log;
  const write = process.stdout.write;
  let out = '';
  console.log = (...a: unknown[]) => { out += `${a.join(' ')}\n`; };
  process.stdout.write = ((s: string) => { out += s; return true; }) as typeof process.stdout.write;
  try { run(); } finally { console.log = log; process.stdout.write = write; }
  return out;
}

test('in CI: one plain line per finished journey, with the first line of a failure', () => {
  const r = new ProgressReporter({ live: false });
  const out = capture(() => {
    r.onBegin({} as never, suite);
    r.onTestBegin(tests[0]!);
    r.onTestEnd(tests[0]!, result('passed'));
    r.onTestEnd(tests[3]!, result('failed', '\u001b[31mError: the map canvas stayed blank\u001b[39m\n  at map.spec.ts:10'));
  });
  expect(out).toBe([
    'headerproof: 4 journey run(s): 2 project(s) × 2 journey(s)',
    '[1/4] baseline × login: passed (1.2s)',
    '[2/4] bundle-c × map: failed (1.2s): Error: the map canvas stayed blank',
    '',
  ].join('\n'));
  expect(out).not.toContain('\u001b[');
});

test('on a terminal: a grid redrawn in place', () => {
  const r = new ProgressReporter({ live: true });
  const out = capture(() => {
    r.onBegin({} as never, suite);
    r.onTestBegin(tests[1]!);
    r.onTestEnd(tests[1]!, result('skipped'));
  });
  expect(r.render()).toEqual([
    '          login      map       ',
    'baseline  ·          –         ',
    'bundle-c  ·          ·         ',
    '1/4 done   ✓ passed  ✗ failed  – skipped  ▸ running',
  ]);
  // Three draws (begin, running, done); every redraw moves the cursor back over the 4 lines.
  expect(out.split('\u001b[4F')).toHaveLength(3);
  expect(out).toContain('baseline  ·          ▸');
});
