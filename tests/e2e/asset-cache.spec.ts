// The proxy's asset cache (src/proxy/asset-cache.ts), in a real Chromium against the lab: a browser
// context served from the cache sees exactly the headers (the policy's edits included) and bodies it
// sees when every file is fetched from the target, and the target is asked for each immutable file
// once instead of once per context.
import { test, expect, chromium, type Browser } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumLaunchOptions } from '../../src/harness/browser.js';
import { startLab, type LabTarget } from '../../src/apps/immich/lab/server.js';
import { startProxy, type RunningProxy } from '../../src/proxy/proxy.js';
import { parsePolicy } from '../../src/policy/policy.js';

const policy = parsePolicy(`
name: cache-check
description: enforced and report-only edits on every response
set:
  X-Content-Type-Options: nosniff
  Cross-Origin-Resource-Policy: same-origin
  Permissions-Policy: camera=(), geolocation=(self)
remove: [X-Powered-By]
csp:
  reportOnly: true
  directives:
    default-src: ["'self'"]
    script-src: ["'self'"]
`);

/** Headers that differ between any two fetches of one file (the clock, the connection). */
const VOLATILE = new Set(['date', 'connection', 'keep-alive']);

interface Seen { headers: Record<string, string>; sha: string }

/** Loads the lab's timeline in a fresh context and records each same-origin file's headers and body. */
async function visit(browser: Browser, proxy: RunningProxy, credentials: { email: string; password: string }): Promise<Map<string, Seen>> {
  const context = await browser.newContext({ baseURL: proxy.url });
  const res = await context.request.post('/api/auth/login', { data: credentials });
  expect(res.status()).toBe(201);
  const page = await context.newPage();
  const seen = new Map<string, Seen>();
  const pending: Promise<void>[] = [];
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.origin !== proxy.url || !url.pathname.startsWith('/_app/immutable/')) return;
    pending.push((async () => {
      // Each proxy names its own origin in the report endpoints: compared without it.
      const headers = Object.fromEntries(Object.entries(await r.allHeaders()).filter(([k]) => !VOLATILE.has(k)).map(([k, v]) => [k, v.split(proxy.url).join('<proxy>')]));
      const body = await r.body().catch(() => Buffer.alloc(0));
      seen.set(url.pathname + url.search, { headers, sha: createHash('sha256').update(body).digest('hex') });
    })());
  });
  await page.goto('/photos');
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  await context.close();
  return seen;
}

test('a browser sees the same headers and bodies with and without the asset cache; the target is asked once', async () => {
  const lab: LabTarget = await startLab();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hp-asset-cache-'));
  const plain = await startProxy({ target: lab.url, policy });
  const cached = await startProxy({ target: lab.url, policy, assetCache: dir });
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const fetched = await visit(browser, plain, lab.credentials);
    expect(fetched.size, 'the lab loads immutable files').toBeGreaterThan(2);
    const first = await visit(browser, cached, lab.credentials); // fills the cache
    const before = cached.host.drain();
    expect(before.cached).toBe(0);
    const second = await visit(browser, cached, lab.credentials); // a new context, from the cache
    const after = cached.host.drain();
    expect(after.cached, 'the second context was served from the cache').toBeGreaterThanOrEqual(fetched.size);
    // The target was asked for none of the immutable files again.
    expect(after.requests).toBeLessThan(before.requests - fetched.size + 1);
    for (const [url, want] of fetched) {
      for (const [label, got] of [['first (fetched, cache filling)', first.get(url)], ['second (from the cache)', second.get(url)]] as const) {
        expect(got, `${url} seen in the ${label} visit`).toBeDefined();
        expect(got!.headers, `${url}: headers in the ${label} visit`).toEqual(want.headers);
        expect(got!.sha, `${url}: body in the ${label} visit`).toBe(want.sha);
      }
      // The policy's edits are on the cached responses too.
      expect(second.get(url)!.headers['x-content-type-options']).toBe('nosniff');
      expect(second.get(url)!.headers['content-security-policy-report-only']).toContain("script-src 'self'");
      expect(second.get(url)!.headers['x-powered-by']).toBeUndefined();
    }
  } finally {
    await browser.close();
    await cached.close();
    await plain.close();
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
