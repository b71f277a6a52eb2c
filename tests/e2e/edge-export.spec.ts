// The nginx and Caddy exports, served for real: Debian's nginx and Caddy in front of the lab target
// with the exported snippet included, and the headers each serves compared with the policy on
// every audited URL.
import { test, expect } from '@playwright/test';
import { startLab, type LabTarget } from '../../src/apps/immich/lab/server.js';
import http from 'node:http';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadPolicy, parsePolicy } from '../../src/policy/policy.js';
import { runCli } from './helpers.js';
import type { Summary } from '../../src/report/model.js';
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

// Issue 36: the edge never weakens a CSP the app sends itself. "The app" here is the lab with the CSP
// its deployment adds (as Immich 2.7+ does with IMMICH_HELMET_FILE), served by nginx; the edge under
// test sits in front of it with a policy whose CSP goes beside the app's (csp.alongside).
test('a CSP kept beside the app\'s own: nginx and Caddy both send the two lines, and the run through the proxy keeps the app\'s', async ({}, testInfo) => {
  test.setTimeout(240_000);
  const own = "frame-ancestors 'none'; object-src 'none'";
  const app = await startNginx(testInfo.outputPath('app'), lab.url, `add_header Content-Security-Policy "${own}" always;\n`);
  try {
    const policy = parsePolicy(`name: beside\ndescription: the edge's CSP beside the app's own\nset:\n  X-Content-Type-Options: nosniff\ncsp:\n  alongside: true\n  directives:\n    frame-ancestors: ["'self'"]\n    base-uri: ["'self'"]\n`);
    for (const edge of EDGES) {
      expect(edge.binary, `${edge.name} is needed for this test: ${edge.install}`).toBeTruthy();
      const server = await edge.start(testInfo.outputPath(`${edge.name}-beside`), app.url, exportPolicy(policy, edge.name));
      try {
        const lines = await cspLines(server.url);
        expect(lines.sort(), edge.name).toEqual(["frame-ancestors 'self'; base-uri 'self'", own].sort());
      } finally {
        server.stop();
      }
    }
    // The proxy does what the exports do: the verdict is proven with both, and nothing is "replaced".
    const dir = testInfo.outputPath('run');
    const file = path.join(testInfo.outputPath(), 'beside.yaml');
    writeFileSync(file, `name: beside\ndescription: the edge's CSP beside the app's own\ncsp:\n  alongside: true\n  directives:\n    frame-ancestors: ["'self'"]\n    base-uri: ["'self'"]\n`);
    const r = await runCli(['run', '--target', app.url, '--policy', file, '--journeys', 'login,timeline', '--no-blame', '--out', dir], { IMMICH_EMAIL: lab.credentials.email, IMMICH_PASSWORD: lab.credentials.password });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;
    expect(summary.policies.map((p) => [p.verdict, p.replacedUpstreamHeaders])).toEqual([['safe', []]]);
  } finally {
    app.stop();
  }
});

/** The Content-Security-Policy header lines of a response, as sent (not joined). */
function cspLines(url: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const lines: string[] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() === 'content-security-policy') lines.push(res.rawHeaders[i + 1]!);
      res.resume();
      resolve(lines);
    }).on('error', reject);
  });
}

// Measured on a plan of Node-RED 4.1.8: its tuned CSP (141 hashes, ~8 KB) made nginx refuse the
// export ("too long parameter": nginx reads at most 4 KB in one parameter).
test('nginx serves a CSP longer than it reads in one parameter, built up in a variable, exactly', async ({}, testInfo) => {
  const hashes = Array.from({ length: 150 }, (_, i) => `'sha256-${String(i).padStart(43, 'A')}='`);
  const policy = parsePolicy(`name: long-csp\ndescription: d\ncsp:\n  directives:\n    default-src: ["'self'", "'unsafe-inline'", "'unsafe-eval'", "data:", "blob:"]\n    style-src-attr: ["'unsafe-inline'"]\n    script-src-attr: ${JSON.stringify(["'unsafe-hashes'", ...hashes])}\n`);
  const conf = exportPolicy(policy, 'nginx');
  expect(conf).toMatch(/^set \$hp_csp_[0-9a-f]{8} "default-src/m);
  const server = await startNginx(testInfo.outputPath('nginx-long'), lab.url, conf);
  try {
    const { urls } = await fetchAuditUrls(server.url, { app: appProfile('immich'), credentials: { user: lab.credentials.email, password: lab.credentials.password } });
    expect(urls.length).toBeGreaterThan(3);
    expect(headerDrift(urls, policy)).toEqual([]);
    expect(String(urls[0]!.headers['content-security-policy']).length).toBeGreaterThan(8000);
  } finally {
    server.stop();
  }
});
