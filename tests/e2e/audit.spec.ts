// `headerproof audit` on the lab: bare (every ZAP finding), and behind the proxy with each bundle
// (no drift from the tested policy; drift when the edge serves a different one).
import { test, expect } from '@playwright/test';
import { startLab, type LabTarget } from '../../src/apps/immich/lab/server.js';
import { startProxy } from '../../src/proxy/proxy.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { runCli } from './helpers.js';
import type { AuditResult } from '../../src/audit/audit.js';

let lab: LabTarget;
test.beforeAll(async () => { lab = await startLab(); });
test.afterAll(async () => lab?.close());

const creds = () => ({ IMMICH_EMAIL: lab.credentials.email, IMMICH_PASSWORD: lab.credentials.password });

test('the bare lab has the findings of the operators\' ZAP scan; exit 1', async () => {
  const r = await runCli(['audit', lab.url, '--json'], creds());
  expect(r.code).toBe(1);
  const result = JSON.parse(r.stdout) as AuditResult;
  expect(result.urls.map((u) => u.role).sort()).toEqual(['api', 'favicon', 'html', 'immutable-js', 'thumbnail', 'video']);
  expect(result.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['clickjacking', 'nosniff-missing', 'csp-missing', 'permissions-policy-missing', 'corp-missing-or-invalid', 'x-powered-by']));
  expect(r.stdout).not.toContain(lab.credentials.password);
  expect(r.stdout).not.toMatch(/labtoken/); // the session token never appears
});

for (const name of ['bundle-a', 'bundle-b', 'bundle-c', 'bundle-d', 'bundle-e', 'bundle-f', 'immich-recommended']) {
  test(`behind the proxy with ${name}: no drift from ${name}`, async () => {
    const proxy = await startProxy({ target: lab.url, policy: loadPolicy(`policies/${name}.yaml`) });
    try {
      const r = await runCli(['audit', proxy.url, '--policy', `policies/${name}.yaml`, '--json'], creds());
      const result = JSON.parse(r.stdout) as AuditResult;
      expect(result.drift).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
}

test('drift is reported and exits 1, with a readable table', async () => {
  const proxy = await startProxy({ target: lab.url, policy: loadPolicy('policies/bundle-a.yaml') });
  try {
    const r = await runCli(['audit', proxy.url, '--policy', 'policies/immich-recommended.yaml'], creds());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Drift from policy immich-recommended');
    expect(r.stdout).toMatch(/Strict-Transport-Security: expected "max-age=86400", served \(absent\)/);
  } finally {
    await proxy.close();
  }
});

test('lint and export from the command line', async () => {
  const lint = await runCli(['lint', 'policies/bundle-e.yaml', 'policies/bundle-c.yaml']);
  expect(lint.code).toBe(1); // bundle-e keeps 'unsafe-inline' for scripts: a high finding
  expect(lint.stdout).toMatch(/HIGH\s+Content-Security-Policy-Report-Only script-src: 'unsafe-inline'/);
  expect(lint.stdout).toContain('policies/bundle-c.yaml: no findings');
  const exp = await runCli(['export', 'policies/bundle-a.yaml', '--format', 'caddy']);
  expect(exp.code).toBe(0);
  expect(exp.stdout).toContain('\t-X-Powered-By');
  const bad = await runCli(['export', 'policies/bundle-a.yaml', '--format', 'apache']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--format: "apache" is not one of traefik, traefik-labels, nginx, caddy');
});
