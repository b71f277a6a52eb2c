// The share-link and api-clients journeys create secrets (a shared link's key, an API key) on the
// target: they are deleted afterwards, and none of them, nor the password, appears in any file
// the run writes (Playwright's own report included) or any line it prints.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startLab, type LabTarget } from '../../src/apps/immich/lab/server.js';
import { allText, runCli } from './helpers.js';
import type { Summary } from '../../src/report/model.js';

const PASSWORD = 'share-secrets-password-1';
let lab: LabTarget;
test.beforeAll(async () => { lab = await startLab({ credentials: { email: 'visitor-test@example.com', password: PASSWORD } }); });
test.afterAll(async () => { await lab?.close(); });

test('shared-link keys and API keys made by journeys are deleted and never written or printed', async ({}, testInfo) => {
  test.setTimeout(180_000);
  const out = testInfo.outputPath('run');
  // A staging-like target (no tile tunnel): the detail panel's map still asks the tile origin.
  const r = await runCli(['run', '--out', out, '--journeys', 'share-link,api-clients', '--no-blame', '--policy', 'policies/bundle-c.yaml'],
    { HEADERPROOF_TARGET: lab.url, IMMICH_EMAIL: 'visitor-test@example.com', IMMICH_PASSWORD: PASSWORD });
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
  expect(summary.baseline.map((b) => `${b.journey}: ${b.status}`).sort(), r.stdout.slice(-2000)).toEqual(['api-clients: passed', 'share-link: passed']);
  expect(lab.sharedLinks, 'the shared links were deleted').toEqual([]);
  expect(lab.apiKeys.size, 'the API keys were deleted').toBe(0);
  const secrets = [PASSWORD, ...lab.issuedTokens];
  expect(secrets.length).toBeGreaterThan(5); // sessions, two share keys, two API keys
  const files = allText(out);
  expect(files.some((f) => f.file.includes('playwright') && f.text.includes('share-link'))).toBe(true); // Playwright's own report is read too
  for (const secret of secrets) {
    const leaks = files.filter((f) => f.text.includes(secret) || f.text.includes(encodeURIComponent(secret))).map((f) => path.relative(out, f.file));
    expect(leaks, 'a secret appears in these files').toEqual([]);
    expect(r.stdout + r.stderr, 'a secret was printed').not.toContain(secret);
  }
});
