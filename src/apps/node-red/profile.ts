// Node-RED (the flow editor, 4.1.x): recognised by its /settings (after login), logged in through
// its OAuth-style token endpoint (the editor keeps the token in localStorage "auth-tokens"), and
// started from real-apps/node-red on loopback with adminAuth set (it listens on every interface by
// default; uiHost keeps it on 127.0.0.1).
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext } from '@playwright/test';
import type { Credentials } from '../../config/config.js';
import { LoginError, loginHint, type AppProfile, type AppSession } from '../profile.js';
import { installedBin, spawnApp } from '../launch.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const NODE_RED_USER = 'headerproof';

async function token(api: APIRequestContext, credentials: Credentials): Promise<string> {
  if ('apiKey' in credentials) throw new LoginError('Node-RED has no API keys: set NODE_RED_USER and NODE_RED_PASSWORD');
  const res = await api.post('/auth/token', { form: { client_id: 'node-red-editor', grant_type: 'password', scope: '*', username: credentials.user ?? '', password: credentials.password } });
  if (res.status() !== 200) throw new LoginError(`logging in to Node-RED failed (HTTP ${res.status()}): ${loginHint(res.status(), 'check NODE_RED_USER / NODE_RED_PASSWORD')}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export const nodeRed: AppProfile = {
  name: 'node-red',
  title: 'Node-RED',
  journeysDir: path.join(HERE, 'journeys'),
  async identify(api, credentials) {
    const base = { app: 'node-red', title: 'Node-RED' };
    try {
      const t = await token(api, credentials);
      const res = await api.get('/settings', { headers: { authorization: `Bearer ${t}` } });
      const version = res.ok() ? ((await res.json()) as { version?: string }).version : undefined;
      await api.post('/auth/revoke', { headers: { authorization: `Bearer ${t}` }, form: { token: t } }).catch(() => undefined);
      return { ...base, ...(version ? { version } : {}) };
    } catch {
      return base;
    }
  },
  async logIn(api, credentials): Promise<AppSession> {
    const t = await token(api, credentials);
    return {
      cookies: [],
      localStorage: [{ name: 'auth-tokens', value: JSON.stringify({ access_token: t, expires_in: 604800, token_type: 'Bearer' }) }],
      headers: { authorization: `Bearer ${t}` },
      secrets: [t],
      end: async (authed) => { await authed.post('/auth/revoke', { form: { token: t } }).catch(() => undefined); },
    };
  },
  // What a new user's editor shows over the editor, until answered: the update-notification prompt
  // (declined, as a careful user would: it sends data to the Node-RED team) and then the welcome tour
  // of this version (closed). Both answers are kept in the user's settings on the server.
  dialogs: [
    { name: 'update-notification prompt ("Enable Update Notifications": declined)', shows: (page) => page.getByRole('button', { name: 'No, do not enable notifications' }), answer: (page) => page.getByRole('button', { name: 'No, do not enable notifications' }).click() },
    { name: 'welcome tour (closed with Escape)', shows: (page) => page.locator('.red-ui-tourGuide-popover'), answer: (page) => page.keyboard.press('Escape') },
  ],
  // A fresh user folder and a random admin password (bcrypt-hashed with Node-RED's own bcryptjs), on
  // 127.0.0.1 only; everything else as a user's install has it: the update-notification prompt and
  // the welcome tour stay on (the journeys answer them), no credentialSecret (Node-RED makes one).
  async launch() {
    const bin = installedBin('node-red', 'node-red', 'Node-RED');
    const password = randomBytes(12).toString('base64url');
    const bcrypt = createRequire(path.join(path.dirname(bin), '..', 'node-red', 'package.json'))('bcryptjs') as { hashSync(p: string, r: number): string };
    const hash = bcrypt.hashSync(password, 8);
    const app = await spawnApp({
      title: 'Node-RED',
      bin,
      prepare: (dir, port) => writeFileSync(path.join(dir, 'settings.js'), `module.exports = ${JSON.stringify({
        uiHost: '127.0.0.1', uiPort: port,
        adminAuth: { type: 'credentials', users: [{ username: NODE_RED_USER, password: hash, permissions: '*' }] },
        logging: { console: { level: 'warn' } },
      }, null, 2)};\n`),
      args: (_port, dir) => ['--settings', path.join(dir, 'settings.js'), '--userDir', dir],
      env: () => ({ NODE_RED_ENABLE_PROJECTS: 'false' }),
      readyPath: '/auth/login',
    });
    return { url: `http://127.0.0.1:${app.port}`, credentials: { user: NODE_RED_USER, password }, label: 'local Node-RED (real-apps/node-red)', close: app.stop };
  },
  features: {},
};
