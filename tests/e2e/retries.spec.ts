// A journey that fails once and passes when run again is flaky, not broken by the policy: the CLI
// runs a failing journey again (--retries, default 1), and the report says it was flaky.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './helpers.js';
import type { Summary } from '../../src/report/model.js';

const summaryOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;
const args = (out: string) => ['run', '--journeys-dir', 'tests/fixtures/flaky-journeys', '--policy', 'policies/bundle-a.yaml', '--no-blame', '--out', out];

test('a journey that fails once and passes on its retry is reported flaky, not blamed; --retries 0 blames it', async () => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hp-retries-'));
  const r = await runCli(args(path.join(dir, 'default')), { HEADERPROOF_RETRIES: '' }); // the CLI's default
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const s = summaryOf(path.join(dir, 'default'));
  expect(s.baseline.map((b) => [b.journey, b.status, b.flaky])).toEqual([['flaky', 'passed', undefined]]);
  const p = s.policies[0]!;
  expect(p.verdict).toBe('safe');
  expect(p.journeys[0]).toMatchObject({ candidate: 'passed', flaky: expect.stringContaining('a first try that fails') });
  expect(p.reasons.join('\n')).toContain('flaky failed once with the policy and passed when run again (flaky, not blamed on the policy)');
  expect(readFileSync(path.join(dir, 'default', 'index.html'), 'utf8')).toContain('flaky: passed on a retry');
  expect(r.stdout).toContain('failed, running it again');

  const none = await runCli([...args(path.join(dir, 'none')), '--retries', '0']);
  expect(none.code).toBe(1);
  expect(summaryOf(path.join(dir, 'none')).policies[0]!.verdict).toBe('breaks');

  const bad = await runCli([...args(path.join(dir, 'bad')), '--retries', 'two']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--retries: a number from 0 to 9');
  const badEnv = await runCli(args(path.join(dir, 'bad')), { HEADERPROOF_RETRIES: '-1' });
  expect(badEnv.code).toBe(2);
  expect(badEnv.stderr).toContain('HEADERPROOF_RETRIES: a number from 0 to 9');
});
