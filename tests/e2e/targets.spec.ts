// One run across several targets (issue: one middleware for every app): each target with its own
// baseline, one report of policies × targets, the worst exit code, and the upgrade check between
// two versions of one app — here the lab as Immich v1.135 and as v3.1, named in a config file.
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, writePolicy } from './helpers.js';
import type { AcrossSummary } from '../../src/verdict/across.js';
import type { Summary } from '../../src/report/model.js';

test('the upgrade check: a CSP without wasm-unsafe-eval is safe on v1.135 and breaks the timeline and search on v3.1, in one run across both', async () => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hp-targets-'));
  const config = path.join(dir, 'headerproof.config.json');
  writeFileSync(config, JSON.stringify({ targets: [{ name: 'photos-new', app: 'immich', version: 'v3.1' }, { name: 'photos-old', app: 'immich', version: 'v1.135' }] }));
  const policy = writePolicy(path.join(dir, 'policies'), 'no-wasm', { csp: { directives: { 'script-src': ["'self'", "'unsafe-inline'", 'blob:'] } } });
  const out = path.join(dir, 'run');
  const r = await runCli(['run', '--policy', policy, '--journeys', 'timeline,search', '--no-blame', '--out', out], { HEADERPROOF_CONFIG: config });
  expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(1); // the worst of the targets': it breaks on one
  // Each target ran on its own, against its own baseline, as the version it names.
  for (const [name, shape] of [['photos-new', 'v3.1'], ['photos-old', 'v1.135']]) {
    const own = JSON.parse(readFileSync(path.join(out, name!, 'summary.json'), 'utf8')) as Summary;
    expect(own.app?.shape, name).toBe(shape);
    expect(own.baseline.map((b) => b.status), name).toEqual(['passed', 'passed']);
    expect(existsSync(path.join(out, name!, 'index.html'))).toBe(true);
  }
  const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as AcrossSummary;
  expect(s.kind).toBe('across-targets');
  expect(s.policies).toEqual([{ policy: 'no-wasm', worst: 'breaks', hurts: ['photos-new'], verdicts: [{ target: 'photos-new', verdict: 'breaks' }, { target: 'photos-old', verdict: 'safe' }] }]);
  expect(s.upgrades).toHaveLength(1);
  expect(s.upgrades[0]).toMatchObject({ from: { target: 'photos-old' }, to: { target: 'photos-new' }, before: 'safe', after: 'breaks', newlyFailing: ['search', 'timeline'] });
  expect(s.upgrades[0]!.fixes.some((f) => f.includes("'wasm-unsafe-eval'")), s.upgrades[0]!.line).toBe(true);
  expect(r.stdout).toContain('What the upgrade changed:\n  no-wasm: safe on Immich 1.135.3 (photos-old), breaks on Immich 3.1.0 (photos-new): search, timeline fail');
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  expect(html).toContain('href="photos-new/index.html#policy-no-wasm"');
  expect(html).toContain('What a shared middleware would break');

  // Mistakes say where and how to fix them, before anything runs.
  const unknown = await runCli(['run', '--targets', 'photos,wordpress', '--out', path.join(dir, 'x')], { HEADERPROOF_CONFIG: config });
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('--targets: "photos" is neither a target in');
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ targets: [{ name: 'Photos Server', app: 'immich' }] }));
  const invalid = await runCli(['run', '--out', path.join(dir, 'y')], { HEADERPROOF_CONFIG: bad });
  expect(invalid.code).toBe(2);
  expect(invalid.stderr).toMatch(/bad\.json: invalid configuration\n {2}- targets\.0\.name: a short name of lower-case letters/);
  const journeyless = await runCli(['run', '--targets', 'immich,node-red', '--journeys', 'timeline', '--out', path.join(dir, 'w')]);
  expect(journeyless.code).toBe(2); // before any target ran
  expect(journeyless.stderr).toContain('--journeys: target node-red has no journey "timeline" (its journeys: deploy, editor, inject-debug, login)');
  expect(existsSync(path.join(dir, 'w'))).toBe(false);
  const both = await runCli(['run', '--targets', 'immich', '--target', 'http://127.0.0.1:9', '--out', path.join(dir, 'z')]);
  expect(both.code).toBe(2);
  expect(both.stderr).toContain('--targets and --target exclude each other');
});
