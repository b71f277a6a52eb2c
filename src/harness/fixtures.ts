// Playwright fixtures: everything a journey needs (proxy with the project's policy, the signal
// collector, a logged-in page) so journeys hold no plumbing. They know no app: the app's profile
// (src/apps/) says how to start, recognise and log in to it; an app adds its own fixtures on top
// with test.extend (src/apps/immich/fixtures.ts).
import path from 'node:path';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { HostLoadState } from '../proxy/host.js';
import { test as base, expect, type APIRequestContext, type BrowserContext, type LaunchOptions, type Page } from '@playwright/test';
import type { Policy } from '../policy/policy.js';
import { startProxy, type RunningProxy } from '../proxy/proxy.js';
import { SignalCollector } from '../observe/signals.js';
import { resolveTarget, type Target } from './target.js';
import { originPreservingArgs } from './browser.js';
import { policyWarnings } from '../policy/warnings.js';
import { REPORT_PATH, servedHeaders } from '../proxy/header-edits.js';
import { mergeBlocks } from '../proxy/inline-scripts.js';
import { JOURNEY_ATTACHMENT, SCREENSHOT_ATTACHMENT, type JourneyAttachment, type SignIn } from '../report/model.js';
import { generateCertificate, type GeneratedCertificate } from '../tls/certificate.js';
import { registerSecrets } from '../observe/violation.js';
import type { Credentials } from '../config/config.js';
import { sharedBrowserEndpoint } from './global-setup.js';
import type { Engine } from './engines.js';
import { bootBlockedReason } from '../observe/boot-failure.js';
import { STACK_PROJECT } from '../proxy/stack.js';
import type { Violation } from '../observe/violation.js';
import { appProfile } from '../apps/index.js';
import { journeyNameOf } from './journey-name.js';
import { currentRunPlan, type RunPlan } from '../config/run-plan.js';
import { BASELINE_POLICY_FILE } from '../policy/files.js';
import { type AppIdentity, type AppProfile, type SessionCookie } from '../apps/profile.js';

export interface WorkerFixtures {
  /** This run's plan (src/config/run-plan.ts): target settings, policies, how to run. */
  runPlan: RunPlan;
  /** The policy file this project tests (set per project in playwright.config.ts). */
  policyFile: string;
  /** A stacked project's report-only candidates, served side by side (src/proxy/stack.ts). */
  stackFiles: string[];
  /** The stack's members are enforced candidates sharing a pass (src/proxy/share.ts), not report-only ones. */
  shared: boolean;
  target: Target;
  /** The project's policy; in a stacked project, an empty one (the members are in `stack`). */
  policy: Policy;
  stack: Policy[];
  headerProxy: RunningProxy;
  /** Origin-preserving mode: the throwaway certificate the proxy presents for the target's name. */
  originCertificate: GeneratedCertificate | undefined;
  /** The origin the browser uses: the proxy's loopback address, a --browser-host name, or the target's own. */
  browserOrigin: string;
  /** The app's profile (the run plan's app: the config's "app", --app or HEADERPROOF_APP). */
  app: AppProfile;
  /** The target's app and version (asked once per worker) and what its version shape tells journeys. */
  appIdentity: { identity: AppIdentity; hooks: unknown };
  /**
   * The logged-in API session: what the browser carries, and a request context carrying its token.
   * One login per worker, reused by its journeys (polite to the host), ended when the worker ends.
   */
  session: { cookies: SessionCookie[]; localStorage: { name: string; value: string }[]; request: APIRequestContext };
  /** A form login's browser storage, kept (in memory) by the worker's first journey for the rest (AppProfile.formSession). */
  formSession: { state?: StorageState };
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/**
 * An app behind HTTP Basic auth (AppProfile.httpBasic): the run's credentials, sent only to this
 * origin (the proxy's, or the browser's name for it), never to another.
 */
function basicAuth(app: AppProfile, credentials: Credentials | undefined, origin: string): { username: string; password: string; origin: string; send: 'always' } | undefined {
  if (!app.httpBasic || !credentials || !('password' in credentials)) return undefined;
  registerSecrets([credentials.password, Buffer.from(`${credentials.user ?? ''}:${credentials.password}`).toString('base64')]);
  return { username: credentials.user ?? '', password: credentials.password, origin: new URL(origin).origin, send: 'always' };
}

/** The values in a saved browser storage that hold a session (cookies; stored items named like a token): masked in every report. */
function storageSecrets(state: StorageState): string[] {
  const named = (name: unknown) => typeof name === 'string' && /token|session|auth|secret|key/i.test(name);
  const items = state.origins.flatMap((o) => [
    ...o.localStorage.filter((i) => named(i.name)).map((i) => i.value),
    ...((o as { indexedDB?: { stores: { records: { key?: unknown; value?: unknown }[] }[] }[] }).indexedDB ?? [])
      .flatMap((db) => db.stores.flatMap((st) => st.records.filter((r) => named(r.key) && typeof r.value === 'string').map((r) => r.value as string))),
  ]);
  return [...state.cookies.map((c) => c.value), ...items].filter((v) => v.length >= 8);
}

export interface TestFixtures {
  journey: string;
  signals: SignalCollector;
  /** The test user's login (email and password, or an API key). */
  credentials: Credentials;
  /** A page whose context is logged in through the API, ready to navigate. */
  loggedInPage: Page;
  /** What the journey's browser context leaves for the report (set as the context closes). */
  pageRecord: { lastUrl?: string; skippedAfterNavigation?: boolean; /** why the page was closed early */ bootFailure?: string; /** e.g. "153.7.0" */ browserVersion?: string; /** the app's first-run dialogs answered (src/apps/profile.ts) */ dialogs: string[]; /** a form login's way in */ signIn?: SignIn };
  /** Writes the journey's report attachment after the test (automatic). */
  journeyAttachment: void;
  /** Where a client without a browser (the mobile app, the CLI) reaches the target: the proxy. */
  clientOrigin: string;
  /** The paths of the websockets the browser opened through the proxy during this journey. */
  openedWebsockets: () => string[];
}

/**
 * The folder the run's workers share for the asset cache (src/proxy/asset-cache.ts) and each worker
 * slot's recent requests to the target (src/proxy/host.ts): one per run and target.
 */
function runStateDir(plan: RunPlan, targetUrl: string): string {
  // `headerproof run` names one for itself and its re-runs; a plain `npx playwright test` has the runner's.
  return path.join(plan.stateDir, createHash('sha256').update(targetUrl).digest('hex').slice(0, 12));
}

/** A policy of the plan by its file (the baseline's file: the policy that changes nothing). */
function planPolicy(plan: RunPlan, file: string): Policy {
  const found = plan.policies.find((p) => p.file === file);
  if (found) return found;
  if (file === BASELINE_POLICY_FILE || path.resolve(file) === path.resolve(BASELINE_POLICY_FILE)) return { name: 'baseline', description: 'no header changes', file, set: {}, remove: [] };
  throw new Error(`${file} is not one of this run's policies (the run plan has ${plan.policies.map((p) => p.file).join(', ') || 'none'})`);
}

/** A policy file as the report names it: relative to the project when it is inside it. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  policyFile: ['policies/baseline.yaml', { option: true, scope: 'worker' }],
  stackFiles: [[], { option: true, scope: 'worker' }],
  shared: [false, { option: true, scope: 'worker' }],

  runPlan: [async ({}, use) => {
    await use(await currentRunPlan());
  }, { scope: 'worker' }],

  app: [async ({ runPlan }, use) => {
    await use(appProfile(runPlan.settings.app));
  }, { scope: 'worker' }],

  target: [async ({ app, runPlan }, use) => {
    const target = await resolveTarget(app, runPlan);
    await use(target);
    await target.close();
  }, { scope: 'worker' }],

  // The policies were loaded once, into the plan: a project names its own by file.
  stack: [async ({ stackFiles, runPlan }, use) => {
    await use(stackFiles.map((f) => planPolicy(runPlan, f)));
  }, { scope: 'worker' }],

  policy: [async ({ policyFile, stack, shared, runPlan }, use) => {
    await use(stack.length
      ? { name: shared ? 'shared pass' : STACK_PROJECT, description: `${stack.length} ${shared ? 'candidates' : 'report-only candidates'} in one pass`, file: '', set: {}, remove: [] }
      : planPolicy(runPlan, policyFile));
  }, { scope: 'worker' }],

  originCertificate: [async ({ target }, use) => {
    await use(target.preserveOrigin ? await generateCertificate([new URL(target.url).hostname]) : undefined);
  }, { scope: 'worker' }],

  headerProxy: [async ({ target, policy, stack, shared, originCertificate, app, runPlan }, use, workerInfo) => {
    const targetUrl = new URL(target.url);
    const proxy = await startProxy({
      // The app's immutable assets are fetched once per run, not once per browser context; a local
      // copy started for this worker is this worker's alone. The run's workers share the host's limit.
      assetCache: path.join(runStateDir(runPlan, target.url), 'assets'),
      hostShare: target.launched ? 1 : 1 / Math.max(1, workerInfo.config.workers),
      target: target.url,
      policy,
      ...(app.build?.inlineBootstrap ? { buildSpecific: app.build.inlineBootstrap } : {}),
      ...(shared ? { shared: stack } : { stack }),
      ...target.upstream,
      ...(originCertificate ? { tls: { cert: originCertificate.cert, key: originCertificate.key } } : {}),
      ...(runPlan.upstreamTimeoutMs ? { upstreamTimeoutMs: runPlan.upstreamTimeoutMs } : {}),
      allowedHosts: originCertificate ? [targetUrl.host] : runPlan.browserHost ? [runPlan.browserHost] : [],
    });
    // The slot's requests of the last minute carry over from the proxy of the project before.
    const slotFile = path.join(runStateDir(runPlan, target.url), `slot-${workerInfo.parallelIndex}.json`);
    try {
      proxy.host.restore(JSON.parse(readFileSync(slotFile, 'utf8')) as HostLoadState);
    } catch { /* the slot's first proxy */ }
    await use(proxy);
    try {
      writeFileSync(slotFile, JSON.stringify(proxy.host.snapshot()));
    } catch { /* only the pacing of the next proxy is less exact */ }
    await proxy.close();
  }, { scope: 'worker' }],

  // Origin-preserving mode: this browser resolves the target's name (only that name) to the proxy
  // and trusts exactly the proxy's throwaway key, so 'self', Secure cookies, HSTS and mixed
  // content behave as on the real host. Each worker has its own browser, proxy and key.
  launchOptions: [async ({ launchOptions, target, headerProxy, originCertificate }, use) => {
    if (!originCertificate) return use(launchOptions);
    const args = (launchOptions.args ?? []).filter((a) => !a.startsWith('--host-resolver-rules='));
    const options: LaunchOptions = {
      ...launchOptions,
      args: [...args, ...originPreservingArgs(new URL(target.url).hostname, headerProxy.port, originCertificate.spkiSha256)],
    };
    await use(options);
  }, { scope: 'worker' }],

  // Connect to the run's shared browser of this engine (global setup) instead of launching one per worker.
  connectOptions: [async ({ connectOptions, target, browserName }, use, workerInfo) => {
    const shared = sharedBrowserEndpoint(browserName as Engine, workerInfo.parallelIndex);
    await use(shared && !target.preserveOrigin ? { wsEndpoint: shared } : connectOptions);
  }, { scope: 'worker' }],

  browserOrigin: [async ({ target, headerProxy, runPlan }, use) => {
    if (target.preserveOrigin) return use(target.url);
    // With --browser-host the browser reaches the proxy under that (non-loopback) name,
    // so behaviour that Chromium exempts loopback from (upgrade-insecure-requests) shows.
    await use(runPlan.browserHost ? `http://${runPlan.browserHost}:${headerProxy.port}` : headerProxy.url);
  }, { scope: 'worker' }],

  baseURL: async ({ browserOrigin }, use) => use(browserOrigin),

  // An app behind HTTP Basic auth: the browser answers its challenge on the app's origin only.
  httpCredentials: async ({ app, target, browserOrigin, httpCredentials }, use) => use(basicAuth(app, target.credentials, browserOrigin) ?? httpCredentials),

  appIdentity: [async ({ playwright, headerProxy, app, target }, use) => {
    const api = await playwright.request.newContext({ baseURL: headerProxy.url, ignoreHTTPSErrors: true, httpCredentials: basicAuth(app, target.credentials, headerProxy.url) });
    const { hooks, ...identity } = await app.identify(api, target.credentials);
    await api.dispose();
    await use({ identity, hooks });
  }, { scope: 'worker' }],

  // A launched copy's third-party names (the lab's map tiles under tiles.immich.cloud, …) are
  // reached through its own tunnel with its own certificate. Loopback traffic never uses the proxy.
  proxy: async ({ target, proxy, runPlan }, use) => use(target.launched?.browserProxy ? { server: target.launched.browserProxy, bypass: ['127.0.0.1', 'localhost', '[::1]', runPlan.browserHost].filter(Boolean).join(',') } : proxy),
  ignoreHTTPSErrors: async ({ target, ignoreHTTPSErrors }, use) => use(target.launched?.ignoreHTTPSErrors ? true : ignoreHTTPSErrors),

  credentials: async ({ target }, use) => use(target.credentials),

  // "timeline", "timeline@phone" in a phone project (src/harness/devices.ts), "timeline@firefox"
  // in a Firefox project (src/harness/engines.ts). A file of several journeys (a generic app's
  // pages) names each with a "journey" annotation.
  journey: async ({}, use, testInfo) => {
    const suffix = (testInfo.project.metadata as { headerproof?: { suffix?: string } }).headerproof?.suffix ?? '';
    const named = testInfo.annotations.find((a) => a.type === 'journey')?.description;
    await use((named ?? journeyNameOf(testInfo.file)) + suffix);
  },

  signals: async ({ journey, headerProxy: proxy, app }, use) => {
    proxy.collector.drain(); // reports left over from the previous journey are not ours
    proxy.inlineBlocks.drain();
    await use(new SignalCollector(journey, proxy.collector, app.build?.inlineBootstrap));
  },

  // What the browser part of a journey leaves for its report (a journey without a browser, such as
  // api-clients, leaves nothing here and still gets its report).
  pageRecord: async ({}, use) => use({ dialogs: [] }),

  // The app's first-run and notice dialogs are answered whenever one covers the page, as a careful
  // user would; each answer is recorded for the report.
  page: async ({ page, app, pageRecord }, use) => {
    for (const dialog of app.dialogs ?? []) {
      await page.addLocatorHandler(dialog.shows(page), async () => {
        await dialog.answer(page);
        pageRecord.dialogs.push(dialog.name);
      });
    }
    await use(page);
  },

  context: async ({ context, signals, pageRecord, policy, stack, shared, headerProxy: proxy, browserOrigin, app, runPlan }, use, testInfo) => {
    await signals.attach(context);
    pageRecord.browserVersion = context.browser()?.version();
    // Fail fast: a policy that stops the app's boot closes the page at once, with the reason, so
    // the journey's next step fails now instead of after its timeouts. In a shared pass, the member
    // whose CSP line reported the violation (its slot) is the policy that blocked.
    const enforcedOf = (p: Policy | undefined) => (p?.csp && !p.csp.reportOnly ? p.csp.directives : undefined);
    const enforcedFor = (v: Violation) => (shared ? (v.stackSlot === undefined ? undefined : enforcedOf(stack[v.stackSlot])) : enforcedOf(policy));
    const anyEnforced = shared ? stack.some((m) => enforcedOf(m)) : Boolean(enforcedOf(policy));
    if (anyEnforced && runPlan.failFast) {
      const appOrigin = new URL(browserOrigin).origin;
      const check = (v: Violation, page: Page, retry: boolean) => {
        if (pageRecord.bootFailure || page.isClosed()) return;
        const reason = bootBlockedReason(v, { enforced: enforcedFor(v), inlineBlocks: proxy.inlineBlocks.peek(), appOrigin, ...(app.build?.entryModule ? { entryModule: app.build.entryModule } : {}) });
        if (reason) {
          pageRecord.bootFailure = reason;
          void page.close({ reason }).catch(() => {});
        } else if (retry && v.blockedUrl === 'inline') {
          // The proxy may not have finished reading the HTML that carried the blocked script yet.
          setTimeout(() => check(v, page, false), 300);
        }
      };
      signals.watch((v, page) => { if (page) check(v, page, true); });
    }
    await use(context);
    // The journey's last view (at the failing step when it failed), for the report; off with
    // --no-screenshots for private libraries.
    const page = context.pages()[0];
    pageRecord.lastUrl = page?.url();
    // A skip decided after the page opened was decided by what the page showed, which the policy
    // under test may have changed: the verdict treats it as a failure when the baseline passed.
    pageRecord.skippedAfterNavigation = testInfo.status === 'skipped' && context.pages().some((p) => /^https?:/.test(p.url()));
    if (page && runPlan.screenshots) {
      const file = testInfo.outputPath('headerproof-screenshot.png');
      // In Firefox the screenshotter inserts a style under the page's CSP: set aside (signals.harness).
      const taken = await signals.harness(() => page.screenshot({ path: file, timeout: 5000 })).then(() => true, () => false);
      if (taken) await testInfo.attach(SCREENSHOT_ATTACHMENT, { path: file, contentType: 'image/png' });
    }
  },

  // Every journey's report attachment: the policy, the target, the signals collected, the proxy's
  // view. Set up before (so torn down after) the browser context.
  journeyAttachment: [async ({ signals, policy, stack, headerProxy: proxy, journey, target, browserOrigin, appIdentity, pageRecord, browserName }, use, testInfo) => {
    const upstreamErrorsBefore = proxy.stats.upstreamErrors;
    // The host asked to wait (a 429 or 503 with its reset): the journey starts after that, not into it.
    const pending = proxy.host.pendingWaitMs();
    if (pending > 0) await new Promise((r) => setTimeout(r, pending));
    await use();
    const waitForReports = Boolean(stack.length || policy.csp || policy.set['Permissions-Policy'] || policy.set['Permissions-Policy-Report-Only']);
    const reportUrl = `${browserOrigin}${REPORT_PATH}`;
    const info = (p: Policy, served: Record<string, string | null>) => ({
      name: p.name, file: displayPath(p.file), description: p.description, served,
      model: { set: p.set, remove: p.remove, ...(p.csp ? { csp: p.csp } : {}) },
    });
    const violations = await signals.finish({ waitForReports });
    const hostSlice = proxy.host.drain();
    // A journey that failed while the host asked to wait runs again (the run's retry) only after the
    // host's reset, so its second try is not throttled too.
    const wait = testInfo.status !== testInfo.expectedStatus ? proxy.host.pendingWaitMs() : 0;
    if (wait > 0) {
      testInfo.setTimeout(testInfo.timeout + wait + 5000);
      await new Promise((r) => setTimeout(r, wait));
    }
    const lastUrl = pageRecord.lastUrl?.startsWith('http') ? pageRecord.lastUrl : browserOrigin;
    const attachment: JourneyAttachment = {
      journey,
      browser: browserName as Engine,
      ...(pageRecord.browserVersion ? { browserVersion: pageRecord.browserVersion } : {}),
      policy: info(policy, servedHeaders(policy, reportUrl)),
      // Each member as it would be served alone (the reporter gives each its own journey result).
      ...(stack.length ? { stack: stack.map((p) => ({ policy: info(p, servedHeaders(p, reportUrl)), warnings: policyWarnings(p, browserOrigin) })) } : {}),
      target: target.launched?.label ?? target.url,
      app: appIdentity.identity,
      ...(pageRecord.skippedAfterNavigation ? { skippedAfterNavigation: true } : {}),
      ...(pageRecord.bootFailure ? { bootFailure: pageRecord.bootFailure } : {}),
      ...(target.preserveOrigin ? { preservedOrigin: new URL(lastUrl).origin } : {}),
      warnings: policyWarnings(policy, browserOrigin),
      violations,
      // Served blocks (the proxy's) and those inserted at run time (captured where the browser blocked them).
      inlineBlocks: mergeBlocks(proxy.inlineBlocks.drain(), signals.capturedBlocks()),
      droppedViolations: signals.dropped,
      ...(signals.setAside ? { harnessViolationsSetAside: signals.setAside } : {}),
      ...(pageRecord.dialogs.length ? { dialogs: [...new Set(pageRecord.dialogs)] } : {}),
      ...(pageRecord.signIn ? { signIn: pageRecord.signIn } : {}),
      // What this journey (and the worker's setup before it) asked of the target, and its pushback.
      host: hostSlice,
      proxy: {
        // This journey's own target errors (the proxy's counter spans the worker).
        upstreamErrors: proxy.stats.upstreamErrors - upstreamErrorsBefore,
        lastUpstreamError: proxy.stats.lastUpstreamError,
        replacedUpstreamHeaders: [...proxy.stats.replacedUpstreamHeaders],
        upstreamHeaders: [...proxy.stats.upstreamHeaders].sort(),
        ...(proxy.stats.shareUnsound ? { shareUnsound: proxy.stats.shareUnsound } : {}),
      },
    };
    await testInfo.attach(JOURNEY_ATTACHMENT, { body: JSON.stringify(attachment), contentType: 'application/json' });
  }, { auto: true }],

  // Logs in through the API at the proxy's loopback address (Node cannot resolve a --browser-host
  // name or reach the origin-preserving name), then hands the session cookies to the browser for
  // the origin it really uses. The token is masked in everything reported. Once per worker: each
  // journey's browser context gets the same session (a host counts logins; some limit them).
  session: [async ({ playwright, headerProxy, target, app }, use) => {
    const api = await playwright.request.newContext({ baseURL: headerProxy.url, ignoreHTTPSErrors: true, httpCredentials: basicAuth(app, target.credentials, headerProxy.url) });
    // An app that logs in only through its page (a generic app's form): API calls go unauthenticated.
    if (!app.logIn) {
      await use({ cookies: [], localStorage: [], request: api });
      return api.dispose();
    }
    const session = await app.logIn(api, target.credentials, { https: headerProxy.url.startsWith('https:') });
    await api.dispose();
    registerSecrets(session.secrets);
    const authed = await playwright.request.newContext({ baseURL: headerProxy.url, ignoreHTTPSErrors: true, extraHTTPHeaders: session.headers, httpCredentials: basicAuth(app, target.credentials, headerProxy.url) });
    await use({ cookies: session.cookies, localStorage: session.localStorage ?? [], request: authed });
    await session.end?.(authed);
    await authed.dispose();
  }, { scope: 'worker' }],

  // Logged in the app's way: its login page (under the policy, like everything the page does), or
  // the API session's cookies and localStorage handed to the browser before the app's scripts run.
  formSession: [async ({}, use) => use({}), { scope: 'worker' }],

  loggedInPage: async ({ page, app, target, session, formSession, baseURL, pageRecord }, use) => {
    if (app.logInWithForm) {
      // Signed in through the form once per worker; later journeys start with that storage.
      const reuse = app.formSession;
      if (reuse && formSession.state) {
        await page.context().setStorageState(formSession.state);
        if (await reuse.resume(page)) {
          pageRecord.signIn = 'resumed';
          return use(page);
        }
      }
      pageRecord.signIn = 'form';
      await app.logInWithForm(page, target.credentials);
      if (reuse) {
        formSession.state = await page.context().storageState({ indexedDB: reuse.indexedDB ?? false });
        registerSecrets(storageSecrets(formSession.state));
      }
      return use(page);
    }
    await page.context().addCookies(session.cookies.map((c) => ({ ...c, url: baseURL! })));
    if (session.localStorage.length) {
      await page.context().addInitScript(({ origin, items }) => {
        if (location.origin !== origin) return;
        for (const { name, value } of items) if (localStorage.getItem(name) === null) localStorage.setItem(name, value);
      }, { origin: new URL(baseURL!).origin, items: session.localStorage });
    }
    await use(page);
  },

  // Counted at the proxy (real upgrades on the wire), so it works in every engine.
  openedWebsockets: async ({ headerProxy }, use) => {
    const before = headerProxy.stats.websocketUpgrades;
    await use(() => {
      const { websocketUpgrades, websocketPaths } = headerProxy.stats;
      const since = Math.min(websocketUpgrades - before, websocketPaths.length);
      return since > 0 ? websocketPaths.slice(-since) : [];
    });
  },

  // Node reaches the proxy on loopback (it cannot resolve a --browser-host or preserved-origin name).
  clientOrigin: async ({ headerProxy }, use) => use(headerProxy.url),
});

export { expect };
