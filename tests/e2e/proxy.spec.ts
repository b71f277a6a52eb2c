import { test, expect } from '@playwright/test';
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { startLab, type LabTarget } from '../../src/apps/immich/lab/server.js';
import { startProxy, type RunningProxy } from '../../src/proxy/proxy.js';
import { parsePolicy } from '../../src/policy/policy.js';
import { LAB_ASSETS, mediaFile } from '../../src/apps/immich/lab/data.js';
import { MAX_REPORT_BODY } from '../../src/proxy/collector.js';

const policy = parsePolicy(`
name: e2e
description: d
set:
  X-Content-Type-Options: nosniff
remove: [X-Powered-By]
csp:
  reportOnly: true
  directives:
    script-src: ["'self'"]
`);

let lab: LabTarget;
let proxy: RunningProxy;

test.beforeAll(async () => {
  lab = await startLab();
  proxy = await startProxy({ target: lab.url, policy });
});
test.afterAll(async () => {
  await proxy.close();
  await lab.close();
});

/** A raw HTTP/1.1 exchange, for requests fetch() refuses to send. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    setTimeout(() => { socket.destroy(); resolve(data); }, 2000);
  });
}

async function login(): Promise<string> {
  const res = await fetch(`${proxy.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(lab.credentials) });
  expect(res.status).toBe(201);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

test('listens on 127.0.0.1 and applies the policy to every response', async () => {
  expect(new URL(proxy.url).hostname).toBe('127.0.0.1');
  const html = await fetch(`${proxy.url}/photos`);
  expect(html.headers.get('x-powered-by')).toBeNull();
  expect(html.headers.get('x-content-type-options')).toBe('nosniff');
  expect(html.headers.get('content-security-policy-report-only')).toContain(`report-uri ${proxy.url}/__headerproof/report`);
  expect(html.headers.get('cache-control')).toBe('no-store'); // the target's own headers pass through
  const direct = await fetch(`${lab.url}/photos`);
  expect(direct.headers.get('x-powered-by')).toBe('Express');
});

test('a client may reuse its idle connection after more than Node\'s default 5 s', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () => new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
    http.get(`${proxy.url}/api/server/version`, { agent }, (res) => {
      res.resume().on('end', () => resolve({ status: res.statusCode!, socket: res.socket }));
    }).on('error', reject);
  });
  const first = await get();
  await new Promise((r) => setTimeout(r, 6000));
  const second = await get();
  agent.destroy();
  expect([first.status, second.status]).toEqual([200, 200]);
  expect(second.socket, 'the second request went over the first one\'s connection').toBe(first.socket);
});

test('Range requests pass through as 206 with the exact bytes', async () => {
  const cookie = await login();
  const video = LAB_ASSETS.find((a) => a.type === 'VIDEO')!;
  const bytes = readFileSync(mediaFile(video, 'video').file);
  const res = await fetch(`${proxy.url}/api/assets/${video.id}/video/playback`, { headers: { cookie, range: 'bytes=100-1099' } });
  expect(res.status).toBe(206);
  expect(res.headers.get('content-range')).toBe(`bytes 100-1099/${bytes.length}`);
  expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(100, 1100))).toBe(true);
});

test('bodies stream: the first chunk arrives before the upstream has finished', async () => {
  let finish!: () => void;
  const upstream = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first-chunk;');
    finish = () => res.end('last');
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const p = await startProxy({ target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, policy });
  try {
    const res = await fetch(`${p.url}/slow`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('first-chunk;');
    finish();
    let rest = '';
    for (let c = await reader.read(); !c.done; c = await reader.read()) rest += Buffer.from(c.value).toString();
    expect(rest).toBe('last');
  } finally {
    await p.close();
    upstream.close();
  }
});

test('websockets upgrade through the proxy (socket.io, websocket transport)', async () => {
  const cookie = await login();
  const socket = io(proxy.url, { path: '/api/socket.io', transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  const version = await new Promise<unknown>((resolve, reject) => {
    socket.on('on_server_version', resolve);
    socket.on('connect_error', reject);
  }).finally(() => socket.close());
  expect(version).toEqual(lab.shape.lab.version);
});

test('refuses to be used for any other host', async () => {
  const absolute = await raw(proxy.port, `GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n`);
  expect(absolute).toMatch(/^HTTP\/1\.1 400/);
  const connect = await raw(proxy.port, `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`);
  expect(connect).toMatch(/^HTTP\/1\.1 405/);
  const rebinding = await raw(proxy.port, `GET /photos HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n`);
  expect(rebinding).toMatch(/^HTTP\/1\.1 421/);
  const before = lab.requests.length;
  await raw(proxy.port, `GET http://127.0.0.1:${new URL(lab.url).port}/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  expect(lab.requests.length).toBe(before); // nothing reached the target
});

test('collector accepts both report formats and rejects bad input', async () => {
  proxy.collector.drain();
  const url = `${proxy.url}/__headerproof/report`;
  const csp = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body: JSON.stringify({ 'csp-report': { 'document-uri': 'x', 'blocked-uri': 'inline', 'effective-directive': 'script-src-elem' } }) });
  expect(csp.status).toBe(204);
  const api = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/reports+json' }, body: JSON.stringify([{ type: 'csp-violation', age: 1, url: 'x', user_agent: 'ua', body: { effectiveDirective: 'img-src' } }]) });
  expect(api.status).toBe(204);
  expect(proxy.collector.drain().map((r) => r.type)).toEqual(['csp-report', 'csp-violation']);
  expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })).status).toBe(400);
  expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body: '{not json' })).status).toBe(400);
  expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body: 'x'.repeat(MAX_REPORT_BODY + 1) })).status).toBe(413);
  expect((await fetch(url)).status).toBe(405);
});

test('an unreachable upstream gives 502 and is counted', async () => {
  const p = await startProxy({ target: 'http://127.0.0.1:9', policy: null });
  try {
    const res = await fetch(`${p.url}/`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('unreachable');
    expect(p.stats.upstreamErrors).toBe(1);
  } finally {
    await p.close();
  }
});

test('a target that resets a kept-alive connection: GET and DELETE are sent once more and succeed, POST is a counted 502', async () => {
  // The first request on every second connection is answered by a reset, as a target closing an
  // idle kept-alive socket just as it is reused.
  let connections = 0;
  const upstream = net.createServer((socket) => {
    const resetFirst = connections++ % 2 === 0;
    socket.once('data', () => {
      if (resetFirst) return socket.resetAndDestroy();
      socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const p = await startProxy({ target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, policy: null });
  try {
    const get = await fetch(`${p.url}/api/assets/x/thumbnail`);
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('ok');
    expect(p.stats).toMatchObject({ upstreamRetries: 1, upstreamErrors: 0 });
    const del = await fetch(`${p.url}/api/shared-links/x`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(p.stats).toMatchObject({ upstreamRetries: 2, upstreamErrors: 0 });
    const post = await fetch(`${p.url}/api/search/metadata`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(502);
    expect(p.stats).toMatchObject({ upstreamRetries: 2, upstreamErrors: 1 });
  } finally {
    await p.close();
    upstream.close();
  }
});

test('a POST that meets a stale kept-alive connection is sent once more, with its body, on a new one', async () => {
  // Each connection answers its first request (kept alive) and resets the next one, as a target
  // that closed the idle socket just as the proxy reused it (seen in CI: a login POST got a 502).
  const bodies: string[] = [];
  const upstream = net.createServer((socket) => {
    let requests = 0;
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d.toString();
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const body = buffered.slice(end + 4, end + 4 + length);
      buffered = '';
      if (requests++ > 0) return socket.resetAndDestroy();
      bodies.push(body);
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${2 + body.length}\r\nkeep-alive: timeout=60\r\n\r\nok${body}`);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const p = await startProxy({ target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, policy: null });
  try {
    const first = await fetch(`${p.url}/api/server/version`);
    expect(await first.text()).toBe('ok');
    const login = await fetch(`${p.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@b.c"}' });
    expect(login.status).toBe(200);
    expect(await login.text()).toBe('ok{"email":"a@b.c"}');
    expect(bodies).toEqual(['', '{"email":"a@b.c"}']); // the upstream read the body once: on the retry
    expect(p.stats).toMatchObject({ upstreamRetries: 1, upstreamErrors: 0 });
  } finally {
    await p.close();
    upstream.close();
  }
});

test('when every kept-alive connection went stale at once, the GET retry takes a new connection', async () => {
  // Connections opened before `stale` turns true answer their next request with a reset, as a
  // target whose idle timers all fired while the proxy's event loop was busy.
  let stale = false;
  const upstream = net.createServer((socket) => {
    const old = () => stale;
    const opened = stale;
    socket.on('data', () => {
      if (old() && !opened) return socket.resetAndDestroy();
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const p = await startProxy({ target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, policy: null });
  try {
    // Three requests at once leave three kept-alive connections in the pool.
    const warm = await Promise.all([1, 2, 3].map(() => fetch(`${p.url}/api/assets/${Math.random()}/thumbnail`).then((r) => r.text())));
    expect(warm).toEqual(['ok', 'ok', 'ok']);
    stale = true;
    const get = await fetch(`${p.url}/api/assets/x/thumbnail`);
    expect(get.status).toBe(200);
    expect(p.stats).toMatchObject({ upstreamRetries: 1, upstreamErrors: 0 });
  } finally {
    await p.close();
    upstream.close();
  }
});
