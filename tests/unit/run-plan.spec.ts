// The run plan (src/config/run-plan.ts): resolved once, validated, written once without secrets;
// below the CLI only three variables are read.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { handOffEnv, HAND_OFF_VARS, makeRunPlan, planKnobsFromEnv, readRunPlan, RunPlanError, writeRunPlan } from '../../src/config/run-plan.js';
import type { TargetSettings } from '../../src/config/config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const settings: TargetSettings = { app: 'immich', url: 'https://photos.example.org', verifyTls: true, preserveOrigin: false, credentials: { user: 'me@example.org', password: 'secret-password-1' } };
const policy = { name: 'a', description: 'A', file: '/p/a.yaml', set: { 'X-Frame-Options': 'DENY' }, remove: [] };

test('the plan keeps the settings and policies but never the test user; its file is private', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plan-'));
  const plan = makeRunPlan(settings, [policy], planKnobsFromEnv({}), { dir, owned: false });
  const file = writeRunPlan(plan);
  const text = readFileSync(file, 'utf8');
  expect(text).not.toContain('secret-password-1');
  expect(text).not.toContain('me@example.org');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const back = readRunPlan(file);
  expect(back.settings.url).toBe('https://photos.example.org');
  expect(back.policies).toEqual([policy]);
  // The test user travels beside the plan, in one variable.
  const env = handOffEnv(file, settings.credentials);
  expect(Object.keys(env).sort()).toEqual(['HEADERPROOF_CREDENTIALS', 'HEADERPROOF_PLAN']);
  expect(JSON.parse(env.HEADERPROOF_CREDENTIALS!)).toEqual(settings.credentials);
});

test('a plan file that is not one says which variable and file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plan-'));
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ version: 1, settings: {} }));
  expect(() => readRunPlan(bad)).toThrow(RunPlanError);
  expect(() => readRunPlan(bad)).toThrow(/HEADERPROOF_PLAN: .*bad\.json is not a run plan/);
  expect(() => readRunPlan(path.join(dir, 'missing.json'))).toThrow(/could not be read/);
});

test('a plain run\'s variables become the plan\'s knobs; a bad one names itself', () => {
  const knobs = planKnobsFromEnv({ HEADERPROOF_JOURNEYS: 'login, map@phone', HEADERPROOF_PHONE: '1', HEADERPROOF_STACK: '0', HEADERPROOF_SHARE: '1', HEADERPROOF_LAB_VERSION: 'v1.135', HEADERPROOF_UPSTREAM_TIMEOUT_MS: '2000' });
  expect(knobs).toMatchObject({ journeys: ['login', 'map@phone'], phone: true, stack: false, share: true, upstreamTimeoutMs: 2000, local: { version: 'v1.135' } });
  expect(() => planKnobsFromEnv({ HEADERPROOF_BROWSER_HOST: 'not a host' })).toThrow(/HEADERPROOF_BROWSER_HOST: "not a host" is not a host name/);
  expect(() => planKnobsFromEnv({ HEADERPROOF_TARGET_HEADERS: '{oops' })).toThrow(/HEADERPROOF_TARGET_HEADERS: not valid JSON/);
});

test('below the CLI, the Playwright side reads at most three HEADERPROOF_* variables: the hand-off', () => {
  // The harness, the reporter, the Playwright config and the journeys; the resolver (run-plan.ts)
  // and the config file reader are the CLI's side, where the user's variables are read.
  const files = [path.join(ROOT, 'playwright.config.ts')];
  const walk = (d: string) => readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ts') && files.push(path.join(d, e.name))));
  for (const d of ['src/harness', 'src/report', 'src/verdict', 'src/proxy', 'src/observe', 'src/apps']) walk(path.join(ROOT, d));
  const read = new Set<string>();
  for (const f of files) {
    // Reads only (env.X, env['X'], env[X_VAR]), not the names a message or a comment mentions.
    for (const m of readFileSync(f, 'utf8').matchAll(/env(?:\.|\[')(HEADERPROOF_[A-Z_]+)/g)) read.add(m[1]!);
  }
  for (const v of HAND_OFF_VARS) read.delete(v);
  expect([...read]).toEqual([]);
  expect(HAND_OFF_VARS.length).toBeLessThanOrEqual(3);
});
