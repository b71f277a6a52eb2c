// Every shipped policy (policies/*.yaml) is proven safe by all journeys against the lab, through
// the real CLI: baseline plus each bundle, verdict safe, exit code 0.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../e2e/helpers.js';
import { defaultPolicyFiles } from '../../src/harness/projects.js';
import type { Summary } from '../../src/report/model.js';

test('every shipped policy is safe on all six journeys', async ({}, testInfo) => {
  test.setTimeout(600_000);
  const out = testInfo.outputPath('run');
  const r = await runCli(['run', '--out', out, '--workers', '2']);
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
  const names = defaultPolicyFiles().map((f) => path.basename(f, '.yaml')).sort();
  expect(names).toEqual(['bundle-a', 'bundle-b', 'bundle-c', 'bundle-d', 'bundle-e', 'immich-recommended']);
  expect(summary.baseline.map((b) => b.journey)).toEqual(['full-image', 'login', 'map', 'search', 'timeline', 'video', 'websocket']);
  for (const p of summary.policies) expect(`${p.policy.name}: ${p.verdict} (${p.reasons.join(' | ')})`).toBe(`${p.policy.name}: safe (all journeys pass and the policy caused no violations)`);
  expect(summary.policies.map((p) => p.policy.name).sort()).toEqual(names);
  expect(r.code).toBe(0);
});
