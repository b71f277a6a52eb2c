// `headerproof subset`: the part of a policy that breaks none of the targets, what each takes on top,
// each layer proven by a run — on the lab as Immich v1.135 and v3.1, where a script-src without
// 'wasm-unsafe-eval' breaks only the newer version's timeline.
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { runCli, writePolicy } from './helpers.js';
import type { SubsetResult } from '../../src/subset/subset.js';

test('subset: nosniff is shared, the script-src without wasm goes to v1.135 alone, and every layer is proven safe where it goes', async () => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hp-subset-'));
  const SCRIPT = ["'self'", "'unsafe-inline'", 'blob:'];
  const policy = writePolicy(dir, 'edge', { set: { 'X-Content-Type-Options': 'nosniff' }, csp: { directives: { 'script-src': SCRIPT } } });
  const out = path.join(dir, 'out');
  const r = await runCli(['subset', '--policy', policy, '--targets', 'immich@v1.135,immich@v3.1', '--journeys', 'timeline', '--out', out]);
  expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
  const s = JSON.parse(readFileSync(path.join(out, 'subset.json'), 'utf8')) as SubsetResult;
  const scriptPart = "Content-Security-Policy: script-src 'self' 'unsafe-inline' blob:";
  expect(s.plan.shared).toEqual(['X-Content-Type-Options: nosniff']);
  expect(s.plan.perTarget).toEqual([{ target: 'immich-v1.135', parts: [scriptPart] }, { target: 'immich-v3.1', parts: [] }]);
  expect(s.plan.refused).toEqual([{ part: scriptPart, target: 'immich-v3.1', why: 'timeline fails' }]);
  // The layers as policy files, and each proven where it goes.
  expect(YAML.parse(readFileSync(path.join(out, s.layers.shared!), 'utf8'))).toMatchObject({ name: 'edge-shared', set: { 'X-Content-Type-Options': 'nosniff' } });
  expect(YAML.parse(readFileSync(path.join(out, s.layers.perTarget['immich-v1.135']!), 'utf8'))).toMatchObject({ set: { 'X-Content-Type-Options': 'nosniff' }, csp: { directives: { 'script-src': SCRIPT } } });
  expect(s.proofs.map((p) => [p.policy, p.target, p.verdict])).toEqual([['edge-shared', 'immich-v1.135', 'safe'], ['edge-immich-v1.135', 'immich-v1.135', 'safe'], ['edge-shared', 'immich-v3.1', 'safe']]);
  expect(existsSync(path.join(out, 'measure', 'immich-v3.1', 'index.html'))).toBe(true);
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  expect(html).toContain('Shared middleware: every target takes it');
  expect(html).toContain('proven');

  const one = await runCli(['subset', '--policy', policy, '--targets', 'immich', '--out', path.join(dir, 'x')]);
  expect(one.code).toBe(2);
  expect(one.stderr).toContain('subset: name two or more targets');
});
