// Any web app without code: a profile written as a small config file (YAML or JSON). It names the
// app, how to ask its version, how to log in (a login form with the credentials from the
// environment — HEADERPROOF_USER / HEADERPROOF_PASSWORD — or a Playwright storage state the user
// recorded), its pages with what "working" means on each, and a crawl budget. Its journeys are one
// per page plus "crawl" (./journeys/). Validated with zod; a mistake names the file, field and fix.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { AppError, LoginError, type AppProfile, type AppSession } from '../profile.js';
import { GENERIC_CREDENTIAL_ENV } from '../credentials.js';
import { typeSecret } from '../../harness/dom.js';
import { expectation, step, stepEnv, EXPECTATION_FIELDS, STEP_FIELDS } from './steps.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const NAME = /^[a-z0-9][a-z0-9-]*$/;
const routePath = z.string().regex(/^\/[^\s]*$/, 'a path on the app, starting with /, e.g. /settings');

const schema = z.strictObject({
  name: z.string().regex(NAME, 'lower-case letters, digits and dashes, e.g. my-wiki'),
  title: z.string().min(1).optional(),
  version: z.strictObject({ path: routePath, field: z.string().min(1).optional() }).optional(),
  login: z.union([
    z.strictObject({
      form: z.strictObject({
        path: routePath,
        user: z.string().min(1).optional(),
        password: z.string().min(1),
        submit: z.string().min(1),
        done: z.string().min(1),
        /** The signed-in page a later journey opens with its worker's kept session (default /). */
        home: routePath.optional(),
        /** Keep the first journey's session (cookies, storage) for the worker's later journeys (default true). */
        reuse: z.boolean().optional(),
      }),
    }),
    z.strictObject({ storageState: z.string().min(1) }),
    z.literal('basic'),
    z.literal('none'),
  ], { error: `login is { form: { path, user, password, submit, done, home, reuse } } (CSS selectors), { storageState: file }, basic (HTTP Basic auth with ${GENERIC_CREDENTIAL_ENV.user} / ${GENERIC_CREDENTIAL_ENV.password}) or none` }).optional(),
  pages: z.array(z.strictObject({
    name: z.string().regex(NAME, 'a journey name: lower-case letters, digits and dashes'),
    path: routePath,
    // What a user does there, in order, after the page opened (click a menu, fill a search, …).
    steps: z.array(step).min(1, 'leave steps out, or list at least one').optional(),
    expect: z.array(expectation).optional(),
  }).refine((p) => Boolean(p.expect?.length) || Boolean(p.steps?.some((st) => 'expect' in st)), { error: 'say what "working" means on this page: an expectation under expect (an element, a text, a websocket, …) or an expect step', path: ['expect'] })).min(1, 'list at least one page'),
  // First-run and notice dialogs a user's instance shows (optional): what shows one is up, and what a
  // careful user does (decline, skip, close): the button they press, or the key (a tour that only
  // closes on Escape). Answered whenever one covers the page.
  dialogs: z.array(z.strictObject({
    name: z.string().min(1),
    selector: z.string().min(1),
    press: z.string().min(1).optional(),
    key: z.string().regex(/^[A-Za-z][A-Za-z0-9+]*$/, 'a key as Playwright names it: Escape, Enter, Tab').optional(),
  }).refine((d) => (d.press === undefined) !== (d.key === undefined), { error: 'say what a careful user does: press (the button, a CSS selector) or key (Escape, Enter), one of the two', path: ['press'] }),
  { error: 'dialogs is a list of { name, selector (what shows the dialog is up), press (the button a careful user presses) or key (Escape) }' }).optional(),
  crawl: z.strictObject({
    pages: z.number().int().min(1).max(500).optional(),
    seconds: z.number().int().min(5).max(3600).optional(),
    exclude: z.array(z.string().min(1)).optional(),
  }).optional(),
});

export type GenericAppConfig = z.infer<typeof schema>;

export class GenericAppError extends AppError {
  constructor(readonly file: string, problems: { field: string; problem: string }[]) {
    super(`${file}: invalid app config\n${problems.map((p) => `  - ${p.field || '(file)'}: ${p.problem}`).join('\n')}`);
    this.name = 'GenericAppError';
  }
}

/** The fields an object at this place in the file may have (named in an "unknown field" error). */
function fieldsAt(where: PropertyKey[]): string | undefined {
  const at = where.map((k) => (typeof k === 'number' ? '#' : String(k))).join('.');
  const known: Record<string, string> = {
    '': 'name, title, version, login, pages, dialogs, crawl',
    version: 'path, field',
    'login.form': 'path, user, password, submit, done, home, reuse',
    'pages.#': 'name, path, steps, expect',
    'pages.#.steps.#': STEP_FIELDS,
    'pages.#.expect.#': EXPECTATION_FIELDS,
    'dialogs.#': 'name, selector, press, key',
    crawl: 'pages, seconds, exclude',
  };
  return known[at];
}

export function readGenericConfig(file: string): GenericAppConfig {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new GenericAppError(file, [{ field: '', problem: `could not be read: ${(err as Error).message.split('\n')[0]}` }]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new GenericAppError(file, parsed.error.issues.map((i) => ({
      field: i.path.join('.'),
      problem: i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.join(', ')}${fieldsAt(i.path) ? `; the fields here are ${fieldsAt(i.path)}` : ''}` : i.message,
    })));
  }
  const names = parsed.data.pages.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i || n === 'crawl');
  if (twice) throw new GenericAppError(file, [{ field: 'pages', problem: `the page name "${twice}" is ${twice === 'crawl' ? 'reserved for the crawl' : 'used twice'}; names must be unique` }]);
  const state = parsed.data.login && typeof parsed.data.login === 'object' && 'storageState' in parsed.data.login ? path.resolve(path.dirname(file), parsed.data.login.storageState) : undefined;
  if (state && !existsSync(state)) throw new GenericAppError(file, [{ field: 'login.storageState', problem: `${state} does not exist; record one with \`npx playwright codegen --save-storage=${path.basename(state)} <url>\`` }]);
  return parsed.data;
}

interface StorageState { cookies?: { name: string; value: string; httpOnly?: boolean; secure?: boolean; sameSite?: 'Lax' | 'Strict' | 'None' }[]; origins?: { origin: string; localStorage?: { name: string; value: string }[] }[] }

export function loadGenericProfile(file: string): AppProfile {
  const config = readGenericConfig(file);
  const title = config.title ?? config.name;
  const login = config.login;
  const profile: AppProfile = {
    name: config.name,
    title,
    journeysDir: path.join(HERE, 'journeys'),
    journeys: [...config.pages.map((p) => p.name), 'crawl'],
    ...(config.dialogs?.length ? { dialogs: config.dialogs.map((d) => ({ name: d.name, shows: (page: Page) => page.locator(d.selector).first(), answer: (page: Page) => d.key ? page.keyboard.press(d.key) : page.locator(d.press!).first().click() })) } : {}),
    async identify(api) {
      const base = { app: config.name, title };
      if (!config.version) return base;
      const res = await api.get(config.version.path).catch(() => undefined);
      if (!res?.ok()) return base;
      let value: unknown = await res.text().catch(() => undefined);
      if (config.version.field) {
        try {
          value = config.version.field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], JSON.parse(String(value)));
        } catch { value = undefined; }
      }
      return typeof value === 'string' || typeof value === 'number' ? { ...base, version: String(value).trim().slice(0, 40) } : base;
    },
  };
  // A page's steps that fill from the environment: each variable is there before anything runs.
  const missing = config.pages.flatMap((p, i) => (p.steps ?? []).flatMap((st, j) => stepEnv([st]).filter((v) => process.env[v] === undefined).map((v) => ({ field: `pages.${i}.steps.${j}.fill.env`, problem: `$${v} is not set; export it before the run (its value is typed into ${'fill' in st ? st.fill.selector : 'the field'}, never written anywhere)` }))));
  if (missing.length) throw new GenericAppError(file, missing);
  if (login === 'basic') profile.httpBasic = true;
  else if (login && login !== 'none' && 'form' in login) {
    const form = login.form;
    profile.logInWithForm = async (page: Page, credentials) => {
      if (!('password' in credentials)) throw new LoginError(`${title}: its login form needs HEADERPROOF_PASSWORD${form.user ? ' and HEADERPROOF_USER' : ''}`);
      await page.goto(form.path);
      await expect(page.locator(form.password), 'the login form never appeared: the app did not boot').toBeVisible({ timeout: 20_000 });
      if (form.user) await typeSecret(page.locator(form.user), credentials.user ?? '');
      await typeSecret(page.locator(form.password), credentials.password);
      await page.locator(form.submit).click();
      await expect(page.locator(form.done).first(), 'the login did not lead to the logged-in page').toBeVisible({ timeout: 30_000 });
    };
    // One form login per worker: later journeys start with its cookies and storage (IndexedDB too,
    // where single-page apps keep tokens), open `home` and go on if the signed-in page shows; if the
    // login form shows instead (the app keeps its session elsewhere), they sign in through the form.
    if (form.reuse !== false) {
      profile.formSession = {
        indexedDB: true,
        resume: async (page) => {
          await page.goto(form.home ?? '/');
          const done = page.locator(form.done).first();
          const again = page.locator(form.password).first();
          await expect(done.or(again).first()).toBeVisible({ timeout: 30_000 }).catch(() => undefined);
          return done.isVisible();
        },
      };
    }
  } else if (login && login !== 'none' && 'storageState' in login) {
    const stateFile = path.resolve(path.dirname(file), login.storageState);
    profile.logIn = async (): Promise<AppSession> => {
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as StorageState;
      const cookies = (state.cookies ?? []).map((c) => ({ name: c.name, value: c.value, httpOnly: c.httpOnly ?? false, secure: c.secure ?? false, sameSite: c.sameSite ?? 'Lax' as const }));
      const localStorage = state.origins?.[0]?.localStorage ?? [];
      return { cookies, localStorage, headers: cookies.length ? { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') } : {}, secrets: [...cookies.map((c) => c.value), ...localStorage.map((l) => l.value)].filter((v) => v.length >= 8) };
    };
  }
  return profile;
}
