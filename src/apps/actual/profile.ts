// Actual Budget (its sync server 25.6.x, which serves the web app): recognised by /info, logged in
// through its password form (the web app keeps its token where an API login cannot put it; the API
// login serves the journeys' own calls), started from real-apps/actual on loopback with a server
// password set through its bootstrap API. The budget itself lives in the browser (SQLite compiled to
// WebAssembly in a worker, stored in IndexedDB) and syncs to the server.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import type { Credentials } from '../../config/config.js';
import { LoginError, loginHint, type AppProfile } from '../profile.js';
import { installedBin, LaunchError, spawnApp } from '../launch.js';
import { typeSecret } from '../../harness/dom.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

async function token(api: APIRequestContext, credentials: Credentials): Promise<string> {
  if ('apiKey' in credentials) throw new LoginError('Actual has no API keys: set ACTUAL_PASSWORD');
  const res = await api.post('/account/login', { data: { loginMethod: 'password', password: credentials.password } });
  const body = (await res.json().catch(() => ({}))) as { status?: string; data?: { token?: string }; reason?: string };
  if (!res.ok() || !body.data?.token) throw new LoginError(`logging in to Actual failed (HTTP ${res.status()}${body.reason ? `, ${body.reason}` : ''}): ${loginHint(res.status(), 'check ACTUAL_PASSWORD')}`);
  return body.data.token;
}

export const actual: AppProfile = {
  name: 'actual',
  title: 'Actual Budget',
  journeysDir: path.join(HERE, 'journeys'),
  async identify(api) {
    const base = { app: 'actual', title: 'Actual Budget' };
    const res = await api.get('/info').catch(() => undefined);
    const version = res?.ok() ? ((await res.json().catch(() => ({}))) as { build?: { version?: string } }).build?.version : undefined;
    return { ...base, ...(version ? { version } : {}) };
  },
  async logIn(api, credentials) {
    const t = await token(api, credentials);
    return { cookies: [], headers: { 'x-actual-token': t }, secrets: [t] };
  },
  async logInWithForm(page: Page, credentials: Credentials) {
    if (!('password' in credentials)) throw new LoginError('Actual needs ACTUAL_PASSWORD');
    await page.goto('/login');
    const field = page.getByPlaceholder('Password');
    await expect(field, 'the login page never appeared: the app did not boot').toBeVisible({ timeout: 20_000 });
    await typeSecret(field, credentials.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page, 'the login did not leave the login page').not.toHaveURL(/\/login/, { timeout: 45_000 });
  },
  // The web app keeps its token in IndexedDB (asyncStorage "user-token"): one form login per worker,
  // then each journey starts with that storage. Measured on 25.6.0 in Chromium 156 and Firefox ESR 153.
  formSession: {
    indexedDB: true,
    async resume(page: Page) {
      await page.goto('/');
      const landing = page.getByRole('button', { name: /^(Create new file|Start fresh)$/ });
      const login = page.getByPlaceholder('Password');
      await expect(landing.or(login), 'the app did not open after reusing the login').toBeVisible({ timeout: 45_000 });
      return !(await login.isVisible());
    },
  },
  // A fresh data folder (server-files/, user-files/), on 127.0.0.1 only, its server password set
  // through the bootstrap API as a first visitor would in the page.
  async launch() {
    const bin = installedBin('actual', 'actual-server', 'Actual Budget');
    const password = randomBytes(12).toString('base64url');
    const app = await spawnApp({
      title: 'Actual Budget',
      bin,
      prepare: (dir) => { mkdirSync(path.join(dir, 'server-files')); mkdirSync(path.join(dir, 'user-files')); },
      args: () => [],
      env: (port, dir) => ({ ACTUAL_PORT: String(port), ACTUAL_DATA_DIR: dir, ACTUAL_HOSTNAME: '127.0.0.1', NODE_ENV: 'production' }),
      readyPath: '/info',
    });
    const url = `http://127.0.0.1:${app.port}`;
    const res = await fetch(`${url}/account/bootstrap`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
    if (!res.ok) {
      await app.stop();
      throw new LaunchError(`Actual Budget refused to set its server password (HTTP ${res.status})`);
    }
    return { url, credentials: { password }, label: 'local Actual Budget (real-apps/actual)', close: app.stop };
  },
};
