// Playwright fixtures: everything a journey needs (proxy with the project's policy, the signal
// collector, a logged-in page) so the journeys in tests/journeys/ hold no plumbing.
import path from 'node:path';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { loadPolicy, type Policy } from '../policy/policy.js';
import { startProxy, type RunningProxy } from '../proxy/proxy.js';
import { SignalCollector } from '../observe/signals.js';
import { resolveTarget, type Target } from './target.js';
import { ImmichApi } from './immich-api.js';
import { browserHost } from './browser.js';
import { policyWarnings } from '../policy/warnings.js';
import { servedHeaders } from '../proxy/header-edits.js';
import { JOURNEY_ATTACHMENT, SCREENSHOT_ATTACHMENT, type JourneyAttachment } from '../report/model.js';

interface WorkerFixtures {
  /** The policy file this project tests (set per project in playwright.config.ts). */
  policyFile: string;
  target: Target;
  policy: Policy;
  headerProxy: RunningProxy;
}

interface TestFixtures {
  journey: string;
  signals: SignalCollector;
  credentials: { email: string; password: string };
  /** A page whose context is logged in through the API, ready to navigate. */
  loggedInPage: Page;
  /** API discovery (as the logged-in user) for the data a journey needs. */
  immich: ImmichApi;
  /** The logged-in API session: its cookies and a request context carrying its token. */
  session: { cookies: SessionCookie[]; request: APIRequestContext };
}

interface SessionCookie { name: string; value: string; httpOnly: boolean; secure: boolean; sameSite: 'Lax' | 'Strict' | 'None' }

function parseSetCookie(header: string): SessionCookie {
  const [pair, ...attrs] = header.split(';').map((p) => p.trim());
  const i = pair!.indexOf('=');
  const has = (name: string) => attrs.some((a) => a.toLowerCase() === name);
  const sameSite = attrs.find((a) => a.toLowerCase().startsWith('samesite='))?.split('=')[1]?.toLowerCase();
  return {
    name: pair!.slice(0, i),
    value: pair!.slice(i + 1),
    httpOnly: has('httponly'),
    secure: has('secure'),
    sameSite: sameSite === 'strict' ? 'Strict' : sameSite === 'none' ? 'None' : 'Lax',
  };
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  policyFile: ['policies/baseline.yaml', { option: true, scope: 'worker' }],

  target: [async ({}, use) => {
    const target = await resolveTarget();
    await use(target);
    await target.close();
  }, { scope: 'worker' }],

  policy: [async ({ policyFile }, use) => {
    await use(loadPolicy(policyFile));
  }, { scope: 'worker' }],

  headerProxy: [async ({ target, policy }, use) => {
    const proxy = await startProxy({
      target: target.url,
      policy,
      verifyTls: process.env.HEADERPROOF_INSECURE !== '1',
      ...(Number(process.env.HEADERPROOF_UPSTREAM_TIMEOUT_MS) > 0 ? { upstreamTimeoutMs: Number(process.env.HEADERPROOF_UPSTREAM_TIMEOUT_MS) } : {}),
      allowedHosts: browserHost() ? [browserHost()!] : [],
    });
    await use(proxy);
    await proxy.close();
  }, { scope: 'worker' }],

  // With HEADERPROOF_BROWSER_HOST the browser reaches the proxy under that (non-loopback) name,
  // so behaviour that Chromium exempts loopback from (upgrade-insecure-requests) shows.
  baseURL: async ({ headerProxy }, use) => use(browserHost() ? `http://${browserHost()}:${headerProxy.port}` : headerProxy.url),

  // The lab's map tiles live under the real third-party names (tiles.immich.cloud, …), reached
  // through the lab's tunnel with its own certificate. Loopback traffic never uses the proxy.
  proxy: async ({ target, proxy }, use) => use(target.lab ? { server: target.lab.tiles.browserProxy, bypass: ['127.0.0.1', 'localhost', '[::1]', browserHost()].filter(Boolean).join(',') } : proxy),
  ignoreHTTPSErrors: async ({ target, ignoreHTTPSErrors }, use) => use(target.lab ? true : ignoreHTTPSErrors),

  journey: async ({}, use, testInfo) => use(path.basename(testInfo.file).replace(/\.spec\.[cm]?[jt]s$/, '')),

  credentials: async ({ target }, use) => use(target.credentials),

  signals: async ({ journey, headerProxy: proxy }, use) => {
    proxy.collector.drain(); // reports left over from the previous journey are not ours
    proxy.inlineBlocks.drain();
    await use(new SignalCollector(journey, proxy.collector));
  },

  context: async ({ context, signals, policy, headerProxy: proxy, journey, target }, use, testInfo) => {
    const upstreamErrorsBefore = proxy.stats.upstreamErrors;
    await signals.attach(context);
    await use(context);
    // The journey's last view (at the failing step when it failed), for the report; off with
    // --no-screenshots for private libraries.
    const page = context.pages()[0];
    if (page && process.env.HEADERPROOF_SCREENSHOTS !== '0') {
      const file = testInfo.outputPath('headerproof-screenshot.png');
      const taken = await page.screenshot({ path: file, timeout: 5000 }).then(() => true, () => false);
      if (taken) await testInfo.attach(SCREENSHOT_ATTACHMENT, { path: file, contentType: 'image/png' });
    }
    const waitForReports = Boolean(policy.csp || policy.set['Permissions-Policy'] || policy.set['Permissions-Policy-Report-Only']);
    const violations = await signals.finish({ waitForReports });
    const attachment: JourneyAttachment = {
      journey,
      policy: {
        name: policy.name, file: policy.file, description: policy.description,
        served: servedHeaders(policy, `${proxy.url}/__headerproof/report`),
        model: { set: policy.set, remove: policy.remove, ...(policy.csp ? { csp: policy.csp } : {}) },
      },
      target: target.lab ? 'lab' : target.url,
      warnings: policyWarnings(policy, browserHost() ? `http://${browserHost()}` : proxy.url),
      violations,
      inlineBlocks: proxy.inlineBlocks.drain(),
      droppedViolations: signals.dropped,
      proxy: {
        // This journey's own target errors (the proxy's counter spans the worker).
        upstreamErrors: proxy.stats.upstreamErrors - upstreamErrorsBefore,
        lastUpstreamError: proxy.stats.lastUpstreamError,
        replacedUpstreamHeaders: [...proxy.stats.replacedUpstreamHeaders],
      },
    };
    await testInfo.attach(JOURNEY_ATTACHMENT, { body: JSON.stringify(attachment), contentType: 'application/json' });
  },

  // Logs in through the API at the proxy's loopback address (Node cannot resolve a --browser-host
  // name), then hands the session cookies to the browser for the origin it really uses.
  session: async ({ playwright, headerProxy, credentials }, use) => {
    const api = await playwright.request.newContext({ baseURL: headerProxy.url });
    const res = await api.post('/api/auth/login', { data: credentials });
    expect(res.status(), 'logging in through the API failed: check IMMICH_EMAIL / IMMICH_PASSWORD').toBe(201);
    const { accessToken } = (await res.json()) as { accessToken: string };
    const cookies = res.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => parseSetCookie(h.value));
    await api.dispose();
    const authed = await playwright.request.newContext({ baseURL: headerProxy.url, extraHTTPHeaders: { authorization: `Bearer ${accessToken}` } });
    await use({ cookies, request: authed });
    await authed.dispose();
  },

  loggedInPage: async ({ page, session, baseURL }, use) => {
    await page.context().addCookies(session.cookies.map((c) => ({ ...c, url: baseURL! })));
    await use(page);
  },

  immich: async ({ session }, use) => use(new ImmichApi(session.request)),
});

export { expect };
