// Every shipped policy (policies/*.yaml) is proven safe against the lab through the real CLI:
// baseline plus each bundle, verdict safe, exit code 0. The journey matrix of the suite runs every
// journey on the lab's default (newest) Immich shape; this runs the oldest shape on the journeys
// whose pages differ there (src/apps/immich/versions/), so CI proves the shipped bundles against both.
const DIFFERING = ['full-image', 'map', 'search', 'slideshow', 'upload'];
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../e2e/helpers.js';
import { defaultPolicyFiles } from '../../src/policy/files.js';
import type { Summary } from '../../src/report/model.js';
import { SHAPES } from '../../src/apps/immich/versions/index.js';
import { versionString } from '../../src/apps/immich/version.js';

test(`every shipped policy is safe on the journeys that differ in the lab as Immich ${SHAPES[0]!.name}`, async ({}, testInfo) => {
  test.setTimeout(600_000);
  const out = testInfo.outputPath('run');
  const r = await runCli(['run', '--out', out, '--workers', '2', '--journeys', DIFFERING.join(',')], { HEADERPROOF_LAB_VERSION: SHAPES[0]!.name });
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
  const names = defaultPolicyFiles().map((f) => path.basename(f, '.yaml')).sort();
  expect(names).toEqual(['bundle-a', 'bundle-b', 'bundle-c', 'bundle-d', 'bundle-e', 'bundle-f', 'immich-recommended']);
  expect(summary.app).toEqual({ app: 'immich', title: 'Immich', version: versionString(SHAPES[0]!.lab.version), shape: SHAPES[0]!.name, supported: true });
  expect(summary.baseline.map((b) => `${b.journey}: ${b.status}`)).toEqual(DIFFERING.map((j) => `${j}: passed`));
  for (const p of summary.policies) expect(`${p.policy.name}: ${p.verdict} (${p.reasons.join(' | ')})`).toBe(`${p.policy.name}: safe (all journeys pass and the policy caused no violations)`);
  expect(summary.policies.map((p) => p.policy.name).sort()).toEqual(names);
  // All seven are restrictions whose single-valued headers agree: one shared enforced pass proved them.
  for (const p of summary.policies) expect(p.sharedWith?.sort(), p.policy.name).toEqual(names.filter((n) => n !== p.policy.name));
  expect(r.code).toBe(0);
});
