// The nginx and Caddy exports, served for real: Debian's nginx and Caddy in front of the lab target
// with the exported snippet included, and the headers each serves compared with the policy on
// every audited URL.
import { test, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startLab, type LabTarget } from '../../src/lab/server.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { exportPolicy } from '../../src/export/export.js';
import { fetchAuditUrls } from '../../src/audit/fetch.js';
import { headerDrift } from '../../src/audit/audit.js';
import { freePort, waitForPort } from '../support/ports.js';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const CADDY = ['/usr/bin/caddy', '/usr/local/bin/caddy'].find((p) => existsSync(p));

interface Edge { url: string; stop: () => void; proc: ChildProcess }

async function startNginx(dir: string, upstream: string, headersConf: string): Promise<Edge> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'headers.conf'), headersConf);
  const port = await freePort();
  const root = process.getuid?.() === 0 ? 'user root;\n' : '';
  writeFileSync(path.join(dir, 'nginx.conf'), `${root}worker_processes 1;
daemon off;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      include ${dir}/headers.conf;
    }
  }
}
`);
  const proc = spawn(NGINX!, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  await waitForPort(port).catch((err) => { throw new Error(`nginx: ${err.message}: ${stderr}`); });
  return { url: `http://127.0.0.1:${port}`, stop: () => proc.kill('SIGQUIT'), proc };
}

/** Caddy with the exported snippet imported in the site that proxies to the upstream (admin API off). */
async function startCaddy(dir: string, upstream: string, snippet: string): Promise<Edge> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'headers.caddy'), snippet);
  const port = await freePort();
  writeFileSync(path.join(dir, 'Caddyfile'), `{
\tadmin off
\tauto_https off
}
http://127.0.0.1:${port} {
\timport ${dir}/headers.caddy
\treverse_proxy ${upstream}
}
`);
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config') };
  const proc = spawn(CADDY!, ['run', '--adapter', 'caddyfile', '--config', path.join(dir, 'Caddyfile')], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  await waitForPort(port).catch((err) => { throw new Error(`caddy: ${err.message}: ${stderr.slice(-2000)}`); });
  return { url: `http://127.0.0.1:${port}`, stop: () => proc.kill('SIGTERM'), proc };
}

const EDGES = [
  { name: 'nginx', start: startNginx, binary: NGINX, install: 'apt-get install nginx-light' },
  { name: 'caddy', start: startCaddy, binary: CADDY, install: 'apt-get install caddy' },
] as const;

let lab: LabTarget;
test.beforeAll(async () => { lab = await startLab(); });
test.afterAll(async () => lab?.close());

for (const edge of EDGES) for (const name of ['bundle-a', 'bundle-c', 'bundle-e', 'immich-recommended']) {
  test(`${edge.name} serving the ${name} export sends exactly the policy's headers`, async ({}, testInfo) => {
    expect(edge.binary, `${edge.name} is needed for this test: ${edge.install} (scripts/setup.sh does it as root)`).toBeTruthy();
    const policy = loadPolicy(`policies/${name}.yaml`);
    const server = await edge.start(testInfo.outputPath(edge.name), lab.url, exportPolicy(policy, edge.name));
    try {
      const { urls, skipped } = await fetchAuditUrls(server.url, lab.credentials);
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
    const { urls } = await fetchAuditUrls(nginx.url);
    const drift = headerDrift(urls, loadPolicy('policies/bundle-c.yaml'));
    expect(drift.some((d) => d.header === 'Permissions-Policy' && d.actual === null)).toBe(true);
  } finally {
    nginx.stop();
  }
});
