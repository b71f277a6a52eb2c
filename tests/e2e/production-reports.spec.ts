// The report-only rollout, end to end: a bundle E exported with --report-uri, served by Debian's
// nginx in front of the lab, its reports forwarded to `headerproof collect`; Chromium browses; the
// reports survive the collector being killed; `reports` shows them; `tune --from-reports` turns them
// into a policy that a `headerproof run` proves safe on a journey tune itself never ran.
import { test, expect } from '@playwright/test';
import { chromium, type Browser } from 'playwright';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { startLab, type LabTarget } from '../../src/apps/immich/lab/server.js';
import { chromiumLaunchOptions } from '../../src/harness/browser.js';
import type { ProductionReport } from '../../src/collect/report.js';
import type { Summary } from '../../src/report/model.js';
import { EDGES, NGINX, startNginx, type Edge } from '../support/edges.js';
import { startCollectorProcess, type CollectorProcess } from '../support/collector.js';
import { freePort } from '../support/ports.js';
import { runCli } from './helpers.js';

let lab: LabTarget | undefined;
let edge: Edge | undefined;
let collector: CollectorProcess | undefined;
let browser: Browser | undefined;
test.afterAll(async () => {
  await browser?.close();
  await collector?.stop();
  edge?.stop();
  await lab?.close();
});

async function storedReports(db: string): Promise<ProductionReport> {
  const r = await runCli(['reports', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ProductionReport;
}

test('bundle E with --report-uri: Chromium\'s reports reach collect through nginx, survive kill -9, and tune from them is proven safe', async ({}, testInfo) => {
  test.setTimeout(600_000);
  expect(NGINX, 'nginx is needed: apt-get install nginx-light (scripts/setup.sh does it)').toBeTruthy();
  lab = await startLab();
  const [edgePort, collectorPort] = [await freePort(), await freePort()];
  const origin = `http://127.0.0.1:${edgePort}`;

  // Bundle E as an operator might first write it: the map's tile origins forgotten.
  const bundleE = YAML.parse(readFileSync('policies/bundle-e.yaml', 'utf8'));
  bundleE.name = 'bundle-e-no-tiles';
  bundleE.csp.directives['connect-src'] = ["'self'", 'https://pay.futo.org'];
  const policyFile = testInfo.outputPath('bundle-e-no-tiles.yaml');
  writeFileSync(policyFile, YAML.stringify(bundleE));

  const exported = await runCli(['export', policyFile, '--format', 'nginx', '--report-uri', `${origin}/__csp`, '--collector', `http://127.0.0.1:${collectorPort}`]);
  expect(exported.code, exported.stderr).toBe(0);
  expect(exported.stdout).toContain(`report-uri ${origin}/__csp"`);
  edge = await startNginx(testInfo.outputPath('nginx'), lab.url, exported.stdout, edgePort);

  const db = testInfo.outputPath('reports.sqlite');
  collector = await startCollectorProcess(['--db', db, '--origin', origin], collectorPort);

  // A user opens the timeline and the map.
  browser = await chromium.launch(chromiumLaunchOptions());
  const context = await browser.newContext({ ignoreHTTPSErrors: true, proxy: { server: lab.tiles.browserProxy, bypass: '127.0.0.1,localhost' } });
  const login = await context.request.post(`${origin}/api/auth/login`, { data: lab.credentials });
  expect(login.status()).toBeLessThan(300);
  const page = await context.newPage();
  await page.goto(`${origin}/photos`);
  await page.goto(`${origin}/map`);
  await expect(page.locator('canvas.maplibregl-canvas')).toBeVisible();

  await expect.poll(async () => (await storedReports(db)).groups.filter((g) => g.directive === 'connect-src').map((g) => g.blocked).sort(), { timeout: 30_000 })
    .toEqual(expect.arrayContaining(['https://static.immich.cloud', 'https://tiles.immich.cloud']));
  await context.close();
  const before = await storedReports(db);
  expect(before.browsers).toHaveProperty('Chrome');
  expect(before.groups.every((g) => g.document.startsWith(origin))).toBe(true);

  // The exported route strips the users' cookies before the collector (it would warn).
  expect(collector.output()).not.toContain('Cookie/Authorization');

  // Killed, not stopped: what it acknowledged is on disk.
  await collector.stop('SIGKILL');
  collector = await startCollectorProcess(['--db', db, '--origin', origin], collectorPort);
  const after = await storedReports(db);
  expect(after.totals.reports).toBe(before.totals.reports);
  expect(after.groups.map((g) => [g.directive, g.blocked, g.count])).toEqual(before.groups.map((g) => [g.directive, g.blocked, g.count]));

  const out = testInfo.outputPath('production');
  const shown = await runCli(['reports', db, '--out', out]);
  expect(shown.code, shown.stderr).toBe(0);
  expect(shown.stdout).toMatch(/csp connect-src https:\/\/tiles\.immich\.cloud \(report\) on http:\/\/127\.0\.0\.1:\d+\/map/);
  expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('https://tiles.immich.cloud');

  // Tune from the reports; its own journeys (login only) never open the map.
  const tuned = testInfo.outputPath('tuned.yaml');
  const t = await runCli(['tune', '--from', policyFile, '--from-reports', db, '--journeys', 'login', '--workers', '1', '--out', tuned]);
  expect(t.code, t.stdout + t.stderr).toBe(0);
  const text = readFileSync(tuned, 'utf8');
  expect(text).toMatch(/"https:\/\/tiles\.immich\.cloud"\s+# \d+ production reports? on .*\/map/); // and "/(blob)": the map worker

  // The tuned policy, proven on the map journey that tune did not run.
  const runOut = testInfo.outputPath('verify');
  const verify = await runCli(['run', '--policy', tuned, '--journeys', 'login,map', '--out', runOut, '--workers', '2', '--no-blame']);
  const summary = JSON.parse(readFileSync(path.join(runOut, 'summary.json'), 'utf8')) as Summary;
  expect(summary.policies[0]!.verdict, summary.policies[0]!.reasons.join(' | ')).toBe('safe');
  expect(verify.code).toBe(0);
});

for (const edgeKind of EDGES) {
  test(`${edgeKind.name} serving an export with --report-uri forwards reports to collect without the user's cookies`, async ({}, testInfo) => {
    expect(edgeKind.binary, `${edgeKind.name} is needed: ${edgeKind.install}`).toBeTruthy();
    // Two CLI processes (export, collect) and an edge start here: ~15 s alone, but once over the
    // default 60 s in CI on a loaded 2-core machine (2026-12-06), beside two browser suites.
    test.setTimeout(180_000);
    const upstream = await startLab();
    const [edgePort, collectorPort] = [await freePort(), await freePort()];
    const origin = `http://127.0.0.1:${edgePort}`;
    const exported = await runCli(['export', 'policies/bundle-e.yaml', '--format', edgeKind.name, '--report-uri', `${origin}/__csp`, '--collector', `http://127.0.0.1:${collectorPort}`]);
    expect(exported.code, exported.stderr).toBe(0);
    const server = await edgeKind.start(testInfo.outputPath(edgeKind.name), upstream.url, exported.stdout, edgePort);
    const db = testInfo.outputPath('reports.sqlite');
    const c = await startCollectorProcess(['--db', db, '--origin', origin], collectorPort);
    try {
      const page = await fetch(`${origin}/photos`);
      expect(page.headers.get('content-security-policy-report-only')).toContain(`report-uri ${origin}/__csp`);
      expect(page.headers.get('reporting-endpoints')).toBe(`csp-endpoint="${origin}/__csp", default="${origin}/__csp"`);
      const posted = await fetch(`${origin}/__csp`, {
        method: 'POST',
        headers: { 'content-type': 'application/csp-report', cookie: 'immich_access_token=SESSION-SECRET', origin },
        body: JSON.stringify({ 'csp-report': { 'document-uri': `${origin}/map`, 'blocked-uri': 'https://tiles.example/x', 'effective-directive': 'connect-src', disposition: 'report' } }),
      });
      expect(posted.status).toBe(204);
      expect((await storedReports(db)).groups.map((g) => [g.directive, g.blocked, g.document])).toEqual([['connect-src', 'https://tiles.example', `${origin}/map`]]);
      expect(c.output()).not.toContain('Cookie/Authorization');
    } finally {
      await c.stop();
      server.stop();
      await upstream.close();
    }
  });
}
