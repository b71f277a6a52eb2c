// One browser per engine for the whole run: every worker (one per policy project) connects to it
// instead of launching its own, so an extra policy costs its journeys, not another browser start-up.
// Origin-preserving mode keeps a browser per worker: its launch flags name that worker's proxy.
// Firefox gets a virtual display first (src/harness/display.ts): headless Firefox has no WebGL here.
import { chromium, firefox } from 'playwright';
import type { FullConfig } from '@playwright/test';
import { chromiumLaunchOptions, firefoxLaunchOptions } from './browser.js';
import { hasXvfb, startVirtualDisplay, type VirtualDisplay } from './display.js';
import { ENGINES, type Engine } from './engines.js';
import { resolveSettings } from '../config/config.js';

/** Chromium's endpoint keeps its old name (headerproof's own tests nest runs and clear it). */
export function sharedBrowserEnv(engine: Engine): string {
  return engine === 'chromium' ? 'HEADERPROOF_BROWSER_WS' : 'HEADERPROOF_BROWSER_WS_FIREFOX';
}
export const SHARED_BROWSER_ENV = sharedBrowserEnv('chromium');

/** The engines the run's projects use (from their metadata). */
function enginesOf(config: FullConfig): Engine[] {
  const used = new Set(config.projects.map((p) => (p.metadata as { headerproof?: { browser?: Engine } })?.headerproof?.browser).filter(Boolean));
  return ENGINES.filter((e) => used.has(e));
}

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  // Not endpoints inherited from an enclosing run (headerproof's own tests nest runs).
  for (const e of ENGINES) delete process.env[sharedBrowserEnv(e)];
  const engines = enginesOf(config);
  let display: VirtualDisplay | undefined;
  if (engines.includes('firefox') && !process.env.DISPLAY && hasXvfb()) {
    display = await startVirtualDisplay();
    process.env.DISPLAY = display.display; // workers are started after global setup and inherit it
  }
  const closers: (() => Promise<void>)[] = [];
  if (process.env.HEADERPROOF_SHARED_BROWSER !== '0' && !(await resolveSettings(process.cwd())).preserveOrigin) {
    for (const engine of engines) {
      const server = engine === 'firefox'
        ? await firefox.launchServer({ ...firefoxLaunchOptions(), host: '127.0.0.1' })
        : await chromium.launchServer({ ...chromiumLaunchOptions(), host: '127.0.0.1' });
      process.env[sharedBrowserEnv(engine)] = server.wsEndpoint();
      closers.push(() => server.close());
    }
  }
  return async () => {
    for (const close of closers) await close().catch(() => undefined);
    if (display) {
      await display.close();
      delete process.env.DISPLAY;
    }
  };
}
