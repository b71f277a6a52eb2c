// Debian's nginx and Caddy, started by a test in front of an upstream with an exported snippet
// included where a user puts it (nginx: the location that proxies; Caddy: the site block).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports.js';

/** Where a test edge answers its own start token, so a test knows the edge it started is the one listening. */
const READY_PATH = '/__edge_ready';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
export const CADDY = ['/usr/bin/caddy', '/usr/local/bin/caddy'].find((p) => existsSync(p));

export interface Edge { url: string; stop: () => void; proc: ChildProcess }

export async function startNginx(dir: string, upstream: string, headersConf: string, port?: number): Promise<Edge> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'headers.conf'), headersConf);
  const { urls, stop, proc } = await startNginxSites(dir, [{ upstream, include: [path.join(dir, 'headers.conf')] }], port ? [port] : undefined);
  return { url: urls[0]!, stop, proc };
}

/** Caddy with the exported snippet imported in the site that proxies to the upstream (admin API off). */
export async function startCaddy(dir: string, upstream: string, snippet: string, port?: number): Promise<Edge> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'headers.caddy'), snippet);
  const { urls, stop, proc } = await startCaddySites(dir, [{ upstream, include: [path.join(dir, 'headers.caddy')] }], port ? [port] : undefined);
  return { url: urls[0]!, stop, proc };
}

export const EDGES = [
  { name: 'nginx', start: startNginx, binary: NGINX, install: 'apt-get install nginx-light' },
  { name: 'caddy', start: startCaddy, binary: CADDY, install: 'apt-get install caddy' },
] as const;

/** A site of a multi-site edge: its upstream and the exported files it includes (absolute paths). */
export interface Site { upstream: string; include: string[] }

/** Debian's nginx with one server block per site, each including its files in the same block. */
export async function startNginxSites(dir: string, sites: Site[], fixedPorts?: number[]): Promise<{ urls: string[]; stop: () => void; proc: ChildProcess }> {
  mkdirSync(dir, { recursive: true });
  const ports = fixedPorts ?? await Promise.all(sites.map(() => freePort()));
  const root = process.getuid?.() === 0 ? 'user root;\n' : '';
  const token = randomBytes(8).toString('hex');
  const servers = sites.map((s, i) => `  server {\n    listen 127.0.0.1:${ports[i]};\n    location = ${READY_PATH} { return 200 "${token}"; }\n    location / {\n      proxy_pass ${s.upstream};\n      proxy_http_version 1.1;\n${s.include.map((f) => `      include ${f};\n`).join('')}    }\n  }`).join('\n');
  writeFileSync(path.join(dir, 'nginx.conf'), `${root}worker_processes 1;
daemon off;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${servers}
}
`);
  const proc = spawn(NGINX!, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  await waitForEdge('nginx', proc, ports, token, () => stderr);
  return { urls: ports.map((p) => `http://127.0.0.1:${p}`), stop: () => proc.kill('SIGQUIT'), proc };
}

/** Caddy with one site per upstream, each importing its files. */
export async function startCaddySites(dir: string, sites: Site[], fixedPorts?: number[]): Promise<{ urls: string[]; stop: () => void; proc: ChildProcess }> {
  mkdirSync(dir, { recursive: true });
  const ports = fixedPorts ?? await Promise.all(sites.map(() => freePort()));
  const token = randomBytes(8).toString('hex');
  const blocks = sites.map((s, i) => `http://127.0.0.1:${ports[i]} {\n\thandle ${READY_PATH} {\n\t\trespond "${token}" 200\n\t}\n${s.include.map((f) => `\timport ${f}\n`).join('')}\treverse_proxy ${s.upstream}\n}`).join('\n');
  writeFileSync(path.join(dir, 'Caddyfile'), `{\n\tadmin off\n\tauto_https off\n}\n${blocks}\n`);
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config') };
  const proc = spawn(CADDY!, ['run', '--adapter', 'caddyfile', '--config', path.join(dir, 'Caddyfile')], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  await waitForEdge('caddy', proc, ports, token, () => stderr);
  return { urls: ports.map((p) => `http://127.0.0.1:${p}`), stop: () => proc.kill('SIGTERM'), proc };
}

/**
 * Resolves once each port answers READY_PATH with this edge's token: a port that merely accepts
 * connections may belong to another process (the port was free when drawn, not when bound).
 */
async function waitForEdge(name: string, proc: ChildProcess, ports: number[], token: string, stderr: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    let last = 'no answer';
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${name} exited (${proc.exitCode ?? proc.signalCode}) before it answered on ${port}: ${stderr().slice(-2000)}`);
      const body = await fetch(`http://127.0.0.1:${port}${READY_PATH}`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.text(), (err: Error) => err.message);
      if (body === token) break;
      last = body.slice(0, 200);
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`${name} on 127.0.0.1:${port}: its start token never came back (last: ${last}); another process may hold the port: ${stderr().slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
