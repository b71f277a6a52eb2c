// The same run five times gives identical verdicts and identical journey outcomes (no flakes).
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from './helpers.js';
import type { Summary } from '../../src/report/model.js';

test('five identical runs, five identical verdicts', async ({}, testInfo) => {
  test.setTimeout(600_000);
  const outcomes: string[] = [];
  for (let i = 0; i < 5; i++) {
    const out = testInfo.outputPath(`run-${i}`);
    await runCli(['run', '--out', out, '--workers', '2', '--no-blame', '--no-screenshots', '--no-share', '--journeys', 'login', '--policy',
      'tests/fixtures/policies/nosniff-no-powered-by.yaml', 'tests/fixtures/policies/csp-script-self-report-only.yaml', 'tests/fixtures/policies/csp-script-self-enforced.yaml']);
    const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    outcomes.push(JSON.stringify({
      exit: s.exitCode,
      baseline: s.baseline.map((b) => `${b.journey}:${b.status}`),
      policies: s.policies.map((p) => `${p.policy.name}:${p.verdict}:${p.journeys.map((j) => `${j.journey}=${j.candidate}/${j.newViolations.length}`).join(',')}`),
    }));
  }
  expect(outcomes[0]).toContain('csp-script-self:breaks');
  expect(outcomes[0]).toContain('csp-script-self-ro:would-break');
  expect(outcomes[0]).toContain('nosniff-no-powered-by:safe');
  expect(new Set(outcomes).size, outcomes.join('\n')).toBe(1);
});
