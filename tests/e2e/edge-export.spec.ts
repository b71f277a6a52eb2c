// The nginx and Caddy exports, served for real: Debian's nginx and Caddy in front of the lab target
// with the exported snippet included, and the headers each serves compared with the policy on
// every audited URL.
import { test, expect } from '@playwright/test';
import { startLab, type LabTarget } from '../../src/apps/immich/lab/server.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { exportPolicy } from '../../src/export/export.js';
import { appProfile } from '../../src/apps/index.js';
import { fetchAuditUrls } from '../../src/audit/fetch.js';
import { headerDrift } from '../../src/audit/audit.js';
import { EDGES, startNginx } from '../support/edges.js';


let lab: LabTarget;
test.beforeAll(async () => { lab = await startLab(); });
test.afterAll(async () => lab?.close());

for (const edge of EDGES) for (const name of ['bundle-a', 'bundle-c', 'bundle-e', 'immich-recommended']) {
  test(`${edge.name} serving the ${name} export sends exactly the policy's headers`, async ({}, testInfo) => {
    expect(edge.binary, `${edge.name} is needed for this test: ${edge.install} (scripts/setup.sh does it as root)`).toBeTruthy();
    const policy = loadPolicy(`policies/${name}.yaml`);
    const server = await edge.start(testInfo.outputPath(edge.name), lab.url, exportPolicy(policy, edge.name));
    try {
      const { urls, skipped } = await fetchAuditUrls(server.url, { app: appProfile('immich'), credentials: { user: lab.credentials.email, password: lab.credentials.password } });
      expect(skipped).toEqual([]);
      expect(urls.map((u) => u.role).sort()).toEqual(['api', 'favicon', 'html', 'immutable-js', 'thumbnail', 'video']);
      expect(urls.every((u) => u.status < 400)).toBe(true);
      expect(headerDrift(urls, policy)).toEqual([]);
      if (policy.remove.includes('X-Powered-By')) expect(urls.every((u) => !u.headers['x-powered-by'])).toBe(true);
    } finally {
      server.stop();
    }
  });
}

test('drift is caught: nginx serving bundle-a while bundle-c was tested', async ({}, testInfo) => {
  const nginx = await startNginx(testInfo.outputPath('nginx'), lab.url, exportPolicy(loadPolicy('policies/bundle-a.yaml'), 'nginx'));
  try {
    const { urls } = await fetchAuditUrls(nginx.url, { app: appProfile('immich') });
    const drift = headerDrift(urls, loadPolicy('policies/bundle-c.yaml'));
    expect(drift.some((d) => d.header === 'Permissions-Policy' && d.actual === null)).toBe(true);
  } finally {
    nginx.stop();
  }
});
