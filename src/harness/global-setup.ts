// One Chromium for the whole run: every worker (one per policy project) connects to it instead of
// launching its own, so an extra policy costs its journeys, not another browser start-up.
// Origin-preserving mode keeps a browser per worker: its launch flags name that worker's proxy.
// Firefox is shared between workers one at a time, never at once: one Firefox window is focused at
// a time, and Firefox refuses fullscreen to a page whose window is not (measured: two workers'
// slideshows in one Firefox, one of five failed "could not enter fullscreen"; a Firefox per
// worker, 10 of 10 passed). So there is one Firefox per worker slot (Playwright's parallelIndex),
// kept across the slot's projects (a launch per project cost ~8 s each). It gets a virtual display
// first (src/harness/display.ts): headless Firefox has no WebGL here.
import { chromium, firefox } from 'playwright';
import type { FullConfig } from '@playwright/test';
import { chromiumLaunchOptions, firefoxLaunchOptions } from './browser.js';
import { hasXvfb, startVirtualDisplay, type VirtualDisplay } from './display.js';
import { ENGINES, type Engine } from './engines.js';
import { currentRunPlan, SHARED_BROWSERS_VAR } from '../config/run-plan.js';

/** The browsers global setup started: each engine's endpoints (Chromium: one; Firefox: one per worker slot). */
type SharedBrowsers = Partial<Record<Engine, string[]>>;

/** The shared browser endpoint for this engine and worker slot, if the run has one. */
export function sharedBrowserEndpoint(engine: Engine, parallelIndex: number, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let shared: SharedBrowsers = {};
  try {
    shared = JSON.parse(env[SHARED_BROWSERS_VAR] || '{}') as SharedBrowsers;
  } catch { /* none: each worker launches its own */ }
  const endpoints = shared[engine] ?? [];
  // Chromium: one for all. Firefox: one per worker slot (a slot runs one worker at a time).
  return endpoints.length ? endpoints[parallelIndex % endpoints.length] : undefined;
}

/** The engines the run's projects use (from their metadata). */
function enginesOf(config: FullConfig): Engine[] {
  const used = new Set(config.projects.map((p) => (p.metadata as { headerproof?: { browser?: Engine } })?.headerproof?.browser).filter(Boolean));
  return ENGINES.filter((e) => used.has(e));
}

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  // Not endpoints inherited from an enclosing run (headerproof's own tests nest runs).
  delete process.env[SHARED_BROWSERS_VAR];
  const plan = await currentRunPlan();
  const engines = enginesOf(config);
  let display: VirtualDisplay | undefined;
  if (engines.includes('firefox') && !process.env.DISPLAY) {
    if (hasXvfb()) {
      display = await startVirtualDisplay();
      process.env.DISPLAY = display.display; // workers are started after global setup and inherit it
    } else {
      console.warn('headerproof: Xvfb is not installed, so Firefox runs headless, without WebGL: its map journeys cannot pass (apt-get install xvfb, or run scripts/setup.sh)');
    }
  }
  const closers: (() => Promise<void>)[] = [];
  if (plan.sharedBrowser && !plan.settings.preserveOrigin) {
    const shared: SharedBrowsers = {};
    if (engines.includes('chromium')) {
      const server = await chromium.launchServer({ ...chromiumLaunchOptions([], plan), host: '127.0.0.1' });
      shared.chromium = [server.wsEndpoint()];
      closers.push(() => server.close());
    }
    if (engines.includes('firefox')) {
      const servers = await Promise.all(Array.from({ length: Math.max(1, config.workers) }, () => firefox.launchServer({ ...firefoxLaunchOptions(plan), host: '127.0.0.1' })));
      shared.firefox = servers.map((s) => s.wsEndpoint());
      for (const server of servers) closers.push(() => server.close());
    }
    if (Object.keys(shared).length) process.env[SHARED_BROWSERS_VAR] = JSON.stringify(shared); // workers start after global setup and inherit it
  }
  return async () => {
    for (const close of closers) await close().catch(() => undefined);
    if (display) {
      await display.close();
      delete process.env.DISPLAY;
    }
  };
}
