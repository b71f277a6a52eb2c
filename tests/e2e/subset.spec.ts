// `headerproof subset`: the part of a policy that breaks none of the targets, what each takes on top,
// each layer proven by a run — on the lab as Immich v1.135 and v3.1, where a script-src without
// 'wasm-unsafe-eval' breaks only the newer version's timeline.
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { runCli, writePolicy } from './helpers.js';
import type { SubsetResult } from '../../src/subset/subset.js';
import { startLab } from '../../src/apps/immich/lab/server.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { appProfile } from '../../src/apps/index.js';
import { fetchAuditUrls } from '../../src/audit/fetch.js';
import { headerDrift } from '../../src/audit/audit.js';
import { CADDY, NGINX, startCaddySites, startNginxSites } from '../support/edges.js';

test('subset: nosniff is shared, the script-src without wasm goes to v1.135 alone, every layer is proven safe where it goes, and nginx and Caddy serving the exported layers send each app its proven headers', async () => {
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

  // The layers exported for nginx and Caddy and served for real in front of both versions: each
  // app gets exactly the headers of the policy proven for it, and nothing of the other's.
  const labs = [await startLab({ version: 'v1.135' }), await startLab({ version: 'v3.1' })];
  try {
    for (const [edge, binary, start] of [['nginx', NGINX, startNginxSites], ['caddy', CADDY, startCaddySites]] as const) {
      expect(binary, `${edge} is needed for this test (scripts/setup.sh installs it)`).toBeTruthy();
      const ex = await runCli(['export-layers', out, '--format', edge]);
      expect(ex.code, ex.stderr).toBe(0);
      const files = path.join(out, 'export', edge);
      const ext = edge === 'nginx' ? 'conf' : 'caddy';
      expect(readdirSync(files).sort()).toEqual(['README.txt', `edge-immich-v1.135.${ext}`, `edge-immich-v3.1.${ext}`, `edge-shared.${ext}`]);
      expect(readFileSync(path.join(files, `edge-shared.${ext}`), 'utf8')).toContain('X-Content-Type-Options');
      expect(readFileSync(path.join(files, `edge-shared.${ext}`), 'utf8')).not.toContain('Content-Security-Policy');
      const server = await start(path.join(dir, `${edge}-edge`), labs.map((lab, i) => ({ upstream: lab.url, include: [path.join(files, `edge-shared.${ext}`), path.join(files, `edge-immich-${i ? 'v3.1' : 'v1.135'}.${ext}`)] })));
      try {
        for (const [i, target] of ['immich-v1.135', 'immich-v3.1'].entries()) {
          const proven = loadPolicy(path.join(out, s.layers.perTarget[target] ?? s.layers.shared!));
          const { urls } = await fetchAuditUrls(server.urls[i]!, { app: appProfile('immich'), credentials: { user: labs[i]!.credentials.email, password: labs[i]!.credentials.password } });
          expect(urls.length, `${edge} ${target}`).toBeGreaterThan(3);
          expect(headerDrift(urls, proven), `${edge} ${target}`).toEqual([]);
          const csp = urls.filter((u) => u.headers['content-security-policy']).length;
          expect(csp, `${edge} ${target}: CSP on ${csp} of ${urls.length} URLs`).toBe(target === 'immich-v3.1' ? 0 : urls.length);
        }
      } finally {
        server.stop();
      }
    }
  } finally {
    for (const lab of labs) await lab.close();
  }
  const notProven = await runCli(['export-layers', dir, '--format', 'nginx']);
  expect(notProven.code).toBe(2);
  expect(notProven.stderr).toContain('no subset.json here');

  const one = await runCli(['subset', '--policy', policy, '--targets', 'immich', '--out', path.join(dir, 'x')]);
  expect(one.code).toBe(2);
  expect(one.stderr).toContain('subset: name two or more targets');
});
