// Hardening of the proxy and its collector under load and against a misbehaving target.
import { test, expect } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { io } from 'socket.io-client';
import { startProxy } from '../../src/proxy/proxy.js';
import { startLab } from '../../src/apps/immich/lab/server.js';
import { parsePolicy } from '../../src/policy/policy.js';
import { MAX_STORED_REPORTS } from '../../src/proxy/collector.js';
import { runCli } from './helpers.js';

const policy = parsePolicy(`name: h\ndescription: d\nset:\n  X-Content-Type-Options: nosniff\nremove: [X-Powered-By]\n`);

async function server(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => new Promise((r) => { s.closeAllConnections(); s.close(() => r()); }) };
}

test('200 concurrent connections, 100k requests through the proxy: zero errors', async () => {
  test.setTimeout(180_000);
  const upstream = await server((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-powered-by': 'Express' });
    res.end('{"res":"pong"}');
  });
  const proxy = await startProxy({ target: upstream.url, policy });
  try {
    const result = await autocannon({ url: `${proxy.url}/api/server/ping`, connections: 200, amount: 100_000, timeout: 20 });
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result['2xx']).toBe(100_000);
    expect(proxy.stats.upstreamErrors).toBe(0);
  } finally {
    await proxy.close();
    await upstream.close();
  }
});

test('report flood: 10k reports are all counted, the rest dropped with a count; memory stays bounded', async () => {
  const upstream = await server((_req, res) => res.end());
  const proxy = await startProxy({ target: upstream.url, policy });
  try {
    const batch = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ type: 'csp-violation', age: 0, url: 'x', user_agent: 'u', body: { effectiveDirective: 'img-src', blockedURL: `https://x/${i}` } })));
    const post = () => fetch(`${proxy.url}/__headerproof/report`, { method: 'POST', headers: { 'content-type': 'application/reports+json' }, body: batch });
    for (let round = 0; round < 12; round++) {
      const statuses = await Promise.all(Array.from({ length: 10 }, () => post().then((r) => r.status)));
      expect(statuses.every((s) => s === 204)).toBe(true);
    }
    expect(proxy.collector.stats.accepted).toBe(MAX_STORED_REPORTS);
    expect(proxy.collector.stats.dropped).toBe(12_000 - MAX_STORED_REPORTS);
    expect(proxy.collector.size).toBe(MAX_STORED_REPORTS);
  } finally {
    await proxy.close();
    await upstream.close();
  }
});

test('a slow upstream times out with 502 and is counted; a mid-stream reset is counted and cut', async () => {
  const slow = await server(() => undefined); // never answers
  const resets = await server((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': '100000' });
    res.write('<html>partial');
    setTimeout(() => res.socket?.destroy(), 50);
  });
  const p1 = await startProxy({ target: slow.url, policy, upstreamTimeoutMs: 300 });
  const p2 = await startProxy({ target: resets.url, policy });
  try {
    const t0 = Date.now();
    const r1 = await fetch(`${p1.url}/`);
    expect(r1.status).toBe(502);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(p1.stats.upstreamErrors).toBe(1);
    const r2 = await fetch(`${p2.url}/`);
    await expect(r2.text()).rejects.toThrow();
    await expect.poll(() => p2.stats.upstreamErrors).toBe(1);
  } finally {
    await Promise.all([p1.close(), p2.close(), slow.close(), resets.close()]);
  }
});

test('a target that resets mid-stream makes the run exit 3 (target unreachable), never a verdict', async () => {
  test.setTimeout(120_000);
  const resets = await server((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': '100000' });
    res.write('<html><body>partial');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  try {
    const r = await runCli(['run', '--target', resets.url, '--journeys', 'login', '--policy', 'policies/bundle-a.yaml', '--no-blame', '--workers', '2'], {
      IMMICH_EMAIL: 'a@b.c', IMMICH_PASSWORD: 'x', HEADERPROOF_UPSTREAM_TIMEOUT_MS: '2000',
    });
    expect(r.code, r.stdout.slice(-2000)).toBe(3);
    expect(r.stdout).toMatch(/bundle-a: inconclusive/);
  } finally {
    await resets.close();
  }
});

test('websocket close and reopen through the proxy', async () => {
  const lab = await startLab();
  const proxy = await startProxy({ target: lab.url, policy });
  try {
    const login = await fetch(`${proxy.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(lab.credentials) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const socket = io(proxy.url, { path: '/api/socket.io', transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
    const connected = () => new Promise<void>((resolve, reject) => { socket.once('connect', () => resolve()); socket.once('connect_error', reject); });
    await connected();
    for (let i = 0; i < 3; i++) {
      socket.disconnect();
      expect(socket.connected).toBe(false);
      const again = connected();
      socket.connect();
      await again;
      expect(socket.connected).toBe(true);
    }
    socket.close();
  } finally {
    await proxy.close();
    await lab.close();
  }
});
