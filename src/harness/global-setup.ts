// One Chromium for the whole run: every worker (one per policy project) connects to it instead of
// launching its own, so an extra policy costs its journeys, not another browser start-up.
// Origin-preserving mode keeps a browser per worker: its launch flags name that worker's proxy.
import { chromium } from 'playwright';
import type { FullConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './browser.js';
import { resolveSettings } from '../config/config.js';

export const SHARED_BROWSER_ENV = 'HEADERPROOF_BROWSER_WS';

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  if (process.env.HEADERPROOF_SHARED_BROWSER === '0' || (await resolveSettings(process.cwd())).preserveOrigin) {
    // Not an endpoint inherited from an enclosing run (headerproof's own tests nest runs).
    delete process.env[SHARED_BROWSER_ENV];
    return async () => undefined;
  }
  const server = await chromium.launchServer({ ...chromiumLaunchOptions(), host: '127.0.0.1' });
  // Workers are started after global setup and inherit this.
  process.env[SHARED_BROWSER_ENV] = server.wsEndpoint();
  return async () => {
    await server.close();
  };
}
