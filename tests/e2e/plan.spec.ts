// `headerproof plan`: the rollout bundles on every app with blame, a CSP tuned per app, each stage
// (bundles, CSP report-only, CSP enforced) proven on every app and exported as layers — on the lab as
// Immich v1.135 and v3.1, whose tuned CSPs differ (v3.1's timeline compiles WebAssembly); then the
// enforced stage's nginx and Caddy exports served for real in front of both give each app its proven headers.
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './helpers.js';
import type { PlanResult } from '../../src/plan/plan.js';
import { startLab } from '../../src/apps/immich/lab/server.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { appProfile } from '../../src/apps/index.js';
import { fetchAuditUrls } from '../../src/audit/fetch.js';
import { headerDrift } from '../../src/audit/audit.js';
import { CADDY, NGINX, startCaddySites, startNginxSites } from '../support/edges.js';

test('plan: every stage proven on both versions, each app\'s CSP in its own layer, the bundles shared, and nginx and Caddy serving the enforced stage give each app its proven headers', async () => {
  test.setTimeout(600_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hp-plan-'));
  const out = path.join(dir, 'out');
  const r = await runCli(['plan', '--targets', 'immich@v1.135,immich@v3.1', '--journeys', 'login,timeline', '--report-uri', 'https://edge.example.org/csp-reports', '--out', out]);
  expect(r.code, r.stdout.slice(-4000) + r.stderr).toBe(0);
  const plan = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8')) as PlanResult;
  const targets = ['immich-v1.135', 'immich-v3.1'];
  expect(plan.stages.map((s) => s.stage)).toEqual(['bundles', 'csp-report-only', 'csp-enforced']);
  for (const s of plan.stages) expect(s.proofs.map((p) => [p.target, p.verdict]), s.stage).toEqual(targets.map((t) => [t, 'safe']));
  expect(plan.tuned.map((t) => t.converged)).toEqual([true, true]);
  expect(plan.subset.shared).toContain('X-Content-Type-Options: nosniff');
  // v3.1's tuned CSP lets its timeline compile WebAssembly; v1.135's does not need to.
  const enforced = (t: string) => loadPolicy(path.join(out, plan.stages[2]!.proofs.find((p) => p.target === t)!.file));
  expect(enforced('immich-v3.1').csp?.directives['script-src']).toContain("'wasm-unsafe-eval'");
  expect(enforced('immich-v1.135').csp?.directives['script-src'] ?? []).not.toContain("'wasm-unsafe-eval'");
  expect(enforced('immich-v1.135').csp?.reportOnly).toBe(false);
  expect(loadPolicy(path.join(out, plan.stages[1]!.proofs[0]!.file)).csp?.reportOnly).toBe(true);

  // Every stage exported for each edge; the report-only stage's CSP reports to production's collector.
  for (const s of plan.stages) expect(Object.keys(s.exports).sort(), s.stage).toEqual(['caddy', 'nginx', 'traefik']);
  const nginxDir = (stage: string) => path.join(out, 'exports', stage, 'nginx');
  expect(readdirSync(nginxDir('csp-enforced')).sort()).toEqual(['README.txt', 'plan-csp-enforced-immich-v1.135.conf', 'plan-csp-enforced-immich-v3.1.conf', 'plan-csp-enforced-shared.conf']);
  const shared = readFileSync(path.join(nginxDir('csp-enforced'), 'plan-csp-enforced-shared.conf'), 'utf8');
  expect(shared).toContain('X-Content-Type-Options');
  expect(shared, 'each app\'s CSP differs, so it is in the app\'s own layer').not.toContain('Content-Security-Policy');
  expect(readFileSync(path.join(nginxDir('csp-report-only'), 'plan-csp-report-only-immich-v3.1.conf'), 'utf8')).toContain('report-uri https://edge.example.org/csp-reports');
  expect(existsSync(path.join(out, 'measure', 'immich-v3.1', 'index.html'))).toBe(true);
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  expect(html).toContain('every stage proven on every app');
  expect(readFileSync(path.join(out, 'plan.md'), 'utf8')).toContain('| csp-enforced | **safe** | **safe** | traefik, nginx, caddy |');

  // nginx and Caddy serving the enforced stage's layers in front of both versions: each app gets
  // exactly the headers of its proven policy.
  const labs = [await startLab({ version: 'v1.135' }), await startLab({ version: 'v3.1' })];
  try {
    for (const [edge, binary, start, ext] of [['nginx', NGINX, startNginxSites, 'conf'], ['caddy', CADDY, startCaddySites, 'caddy']] as const) {
      expect(binary, `${edge} is needed for this test (scripts/setup.sh installs it)`).toBeTruthy();
      const files = path.join(out, 'exports', 'csp-enforced', edge);
      const server = await start(path.join(dir, `${edge}-edge`), labs.map((lab, i) => ({ upstream: lab.url, include: [path.join(files, `plan-csp-enforced-shared.${ext}`), path.join(files, `plan-csp-enforced-${targets[i]}.${ext}`)] })));
      try {
        for (const [i, target] of targets.entries()) {
          const { urls } = await fetchAuditUrls(server.urls[i]!, { app: appProfile('immich'), credentials: { user: labs[i]!.credentials.email, password: labs[i]!.credentials.password } });
          expect(urls.length, `${edge} ${target}`).toBeGreaterThan(3);
          expect(headerDrift(urls, enforced(target)), `${edge} ${target}`).toEqual([]);
        }
      } finally {
        server.stop();
      }
    }
  } finally {
    for (const lab of labs) await lab.close();
  }

  writeFileSync(path.join(dir, 'other.json'), '{"kind":"subset"}');
  const notPlan = await runCli(['plan', '--targets', 'immich', '--since', path.join(dir, 'other.json'), '--out', path.join(dir, 'y')]);
  expect(notPlan.code, notPlan.stderr).toBe(2);
  expect(notPlan.stderr).toContain('is not a plan.json written by `headerproof plan`');
  const none = await runCli(['plan', '--bundles', path.join(dir, 'missing.yaml'), '--targets', 'immich', '--out', path.join(dir, 'x')]);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('--bundles: ');
  expect(none.stderr).toContain('does not exist');
});
