import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appProfile, AppError, SHIPPED_APPS } from '../../src/apps/index.js';
import { APPS_WITH_LOCAL_VERSIONS, INSTALLED_APPS, LOCAL_COPY_EXAMPLES, SHIPPED_APP_NAMES } from '../../src/apps/shipped.js';
import { GenericAppError, loadGenericProfile, readGenericConfig } from '../../src/apps/generic/profile.js';
import { describeStep } from '../../src/apps/generic/steps.js';
import { needsCredentials } from '../../src/apps/credentials.js';
import { journeyPlan, JourneysDirError } from '../../src/harness/journeys.js';
import { ConfigError, resolveSettings } from '../../src/config/config.js';
import { credentialHint } from '../../src/apps/credentials.js';

const dir = () => mkdtempSync(path.join(os.tmpdir(), 'hp-apps-'));
function file(d: string, name: string, text: string): string {
  const f = path.join(d, name);
  writeFileSync(f, text);
  return f;
}

test('shipped apps: immich, node-red, actual; an unknown name says which exist', () => {
  expect(SHIPPED_APPS.map((a) => a.name)).toEqual(['immich', 'node-red', 'actual']);
  // The names the config, the CLI's help and doctor use before any profile loads are the profiles'.
  expect(SHIPPED_APP_NAMES).toEqual(SHIPPED_APPS.map((a) => a.name));
  expect(SHIPPED_APPS.filter((a) => a.launch && !APPS_WITH_LOCAL_VERSIONS.includes(a.name)).map((a) => a.name)).toEqual(INSTALLED_APPS);
  for (const name of LOCAL_COPY_EXAMPLES.split(', ')) expect(SHIPPED_APP_NAMES).toContain(name.split('@')[0]);
  expect(() => appProfile('wordpress')).toThrow(AppError);
  expect(() => appProfile('wordpress')).toThrow(/use one of immich, node-red, actual, or the path of an app config file/);
});

test("each app's journeys come from its own folder; Immich's phone and page-less journeys stay Immich's", () => {
  const immich = journeyPlan(appProfile('immich'));
  expect(immich.names).toContain('timeline');
  expect(immich.pageless).toEqual(['api-clients']);
  expect(immich.select(['map'])).toEqual({ testDir: immich.dir, testMatch: ['map.spec.ts'] });
  expect(journeyPlan(appProfile('node-red')).names).toEqual(['deploy', 'editor', 'inject-debug', 'login']);
  expect(journeyPlan(appProfile('actual')).names).toEqual(['budget', 'login']);
  expect(journeyPlan(appProfile('node-red')).phone).toEqual([]);
});

test('a generic app file: one journey per page plus crawl, selected by title', () => {
  const d = dir();
  const f = file(d, 'wiki.app.yaml', 'name: wiki\npages:\n  - { name: home, path: /, expect: [{ text: Welcome }] }\n  - { name: recent, path: /recent, expect: [{ selector: "li", min: 2 }] }\n');
  const profile = appProfile(f);
  expect(profile.name).toBe('wiki');
  const plan = journeyPlan(profile);
  expect(plan.names).toEqual(['home', 'recent', 'crawl']);
  expect(plan.select(['home', 'recent', 'crawl']).grep).toBeUndefined();
  const some = plan.select(['recent']).grep!;
  expect(some.test('pages.spec.ts recent: /recent renders and works')).toBe(true);
  expect(some.test('pages.spec.ts home: / renders and works')).toBe(false);
});

test('generic app file mistakes name the file, the field and the fix', () => {
  const d = dir();
  const problem = (text: string, name = 'a.app.yaml') => { try { readGenericConfig(file(d, name, text)); return ''; } catch (e) { expect(e).toBeInstanceOf(GenericAppError); return (e as Error).message; } };
  expect(problem('name: Wiki\npages: [{ name: home, path: /, expect: [{ text: x }] }]')).toMatch(/a\.app\.yaml: invalid app config\n {2}- name: lower-case letters/);
  expect(problem('name: wiki\npages: []')).toMatch(/- pages: list at least one page/);
  expect(problem('name: wiki\npages: [{ name: home, path: home, expect: [{ text: x }] }]')).toMatch(/- pages\.0\.path: a path on the app, starting with \//);
  expect(problem('name: wiki\npages: [{ name: home, path: /, expect: [] }]')).toMatch(/say what "working" means/);
  expect(problem('name: wiki\npages: [{ name: crawl, path: /, expect: [{ text: x }] }]')).toMatch(/"crawl" is reserved/);
  expect(problem('name: wiki\npages: [{ name: home, path: /, expect: [{ text: x }] }]\nlogin: { storageState: missing.json }')).toMatch(/login\.storageState: .*missing\.json does not exist; record one with `npx playwright codegen --save-storage/);
  expect(problem('name: wiki\nextra: 1\npages: [{ name: home, path: /, expect: [{ text: x }] }]')).toMatch(/unknown field\(s\) extra/);
  expect(problem('name: [', 'b.app.yaml')).toMatch(/b\.app\.yaml: invalid app config\n {2}- \(file\): could not be read/);
  expect(problem('name: wiki\npages: [{ name: home, path: /, expect: [{ text: x }] }]\ndialogs: [{ name: cookie banner, selector: "#banner" }]')).toMatch(/- dialogs\.0\.press: /);
  expect(problem('name: wiki\npages: [{ name: home, path: /, expect: [{ text: x }] }]\ndialogs: [{ name: tour, selector: ".tour", press: ".skip" }]')).toBe('');
  expect(problem('name: wiki\npages: [{ name: home, path: /, expect: [{ text: x }] }]\ndialogs: [{ name: tour, selector: ".tour", key: Escape }]')).toBe('');
  expect(problem('name: wiki\npages: [{ name: home, path: /, expect: [{ text: x }] }]\ndialogs: [{ name: tour, selector: ".tour", key: Escape, press: ".skip" }]')).toMatch(/- dialogs\.0\.press: say what a careful user does: press .* or key .*, one of the two/);
  expect(problem('name: wiki\npages: [{ name: home, path: /, expect: [{ text: x }] }]\ndialogs: [{ name: tour, selector: ".tour", key: "Esc ape" }]')).toMatch(/- dialogs\.0\.key: a key as Playwright names it/);
});

test('a generic app file names its first-run dialogs: each becomes one the journeys answer', () => {
  const d = dir();
  const profile = loadGenericProfile(file(d, 'c.app.yaml', 'name: wiki\npages: [{ name: home, path: /, expect: [{ text: x }] }]\ndialogs: [{ name: welcome tour (skipped), selector: ".tour", press: ".tour .skip" }]'));
  expect(profile.dialogs?.map((x) => x.name)).toEqual(['welcome tour (skipped)']);
  expect(loadGenericProfile(file(d, 'e.app.yaml', 'name: wiki\npages: [{ name: home, path: /, expect: [{ text: x }] }]')).dialogs).toBeUndefined();
});

test("the app setting: a shipped name, or a file relative to the config (it must exist); each app's own credential variables", async () => {
  const d = dir();
  file(d, 'headerproof.config.json', JSON.stringify({ app: 'apps/wiki.app.yaml', target: 'https://wiki.example.org' }));
  mkdirSync(path.join(d, 'apps'));
  file(d, 'apps/wiki.app.yaml', 'name: wiki\npages: [{ name: home, path: /, expect: [{ text: x }] }]');
  const s = await resolveSettings(d, { HEADERPROOF_USER: 'me', HEADERPROOF_PASSWORD: 'pw-123456' });
  expect(s.app).toBe(path.join(d, 'apps/wiki.app.yaml'));
  expect(s.credentials).toEqual({ user: 'me', password: 'pw-123456' });
  const nr = await resolveSettings('/nonexistent', { HEADERPROOF_APP: 'node-red', HEADERPROOF_TARGET: 'http://127.0.0.1:1880', NODE_RED_USER: 'admin', NODE_RED_PASSWORD: 'pw-abcdef' });
  expect(nr.credentials).toEqual({ user: 'admin', password: 'pw-abcdef' });
  // Actual has one password and no user.
  const ac = await resolveSettings('/nonexistent', { HEADERPROOF_APP: 'actual', HEADERPROOF_TARGET: 'http://127.0.0.1:5006', ACTUAL_PASSWORD: 'pw-abcdef' });
  expect(ac.credentials).toEqual({ password: 'pw-abcdef' });
  const missing = await resolveSettings('/nonexistent', { HEADERPROOF_APP: 'actual', HEADERPROOF_TARGET: 'http://127.0.0.1:5006' }).catch((e) => e);
  expect(missing).toBeInstanceOf(ConfigError);
  expect((missing as Error).message).toContain('set ACTUAL_PASSWORD in the environment');
  const nofile = await resolveSettings(d, { HEADERPROOF_APP: 'nope.yaml' }).catch((e) => e);
  expect((nofile as Error).message).toMatch(/HEADERPROOF_APP \(--app\): invalid configuration\n {2}- app: .*nope\.yaml does not exist/);
  expect(credentialHint('immich')).toBe('set IMMICH_EMAIL and IMMICH_PASSWORD (or IMMICH_API_KEY) in the environment');
});

test('a journeys folder must exist and hold *.spec.ts journeys', () => {
  const d = dir();
  expect(() => journeyPlan(appProfile('immich'), path.join(d, 'none'))).toThrow(JourneysDirError);
  expect(() => journeyPlan(appProfile('immich'), d)).toThrow(/has no \*\.spec\.ts journey/);
  file(d, 'mine.spec.ts', '');
  expect(journeyPlan(appProfile('immich'), d).names).toEqual(['mine']);
});

test('a generic page describes what a user does in steps (click, fill, press, select, hover, wait, goto, expect); mistakes list the fields that exist', () => {
  const d = dir();
  const problem = (text: string) => { try { readGenericConfig(file(d, 's.app.yaml', text)); return ''; } catch (e) { expect(e).toBeInstanceOf(GenericAppError); return (e as Error).message; } };
  const page = (body: string) => `name: wiki\npages: [{ name: settings, path: /, ${body} }]`;
  expect(problem(page('steps: [{ click: "#menu" }, { fill: { selector: "#q", value: wiki } }, { press: Enter }, { press: { selector: "#q", key: Escape } }, { select: { selector: "#lang", option: en } }, { hover: ".item" }, { wait: 500 }, { goto: /about }, { expect: { text: Settings } }]'))).toBe('');
  // The steps' last expectation may be the page's only one; expectations of every kind.
  expect(problem(page('steps: [{ click: "#menu" }], expect: [{ hidden: ".spinner" }, { url: /settings }, { request: /api/ }, { response: /api/items, status: 200 }]'))).toBe('');
  // A page needs an expectation somewhere.
  expect(problem(page('steps: [{ click: "#menu" }]'))).toMatch(/- pages\.0\.expect: say what "working" means on this page/);
  // The fields a page has are listed when one is unknown (the "unknown field(s) click").
  expect(problem(page('click: "#menu", expect: [{ text: x }]'))).toMatch(/- pages\.0: unknown field\(s\) click; the fields here are name, path, steps, expect/);
  expect(problem(page('steps: [{ tap: "#menu" }], expect: [{ text: x }]'))).toMatch(/- pages\.0\.steps\.0: each step is one of click, fill, press, select, hover, wait, goto, expect/);
  expect(problem(page('steps: [{ wait: 60000 }], expect: [{ text: x }]'))).toMatch(/at most 10000 ms; wait for something with expect instead/);
  expect(problem(page('expect: [{ visible: "#x" }]'))).toMatch(/each expectation is one of \{ selector \(min, text\) \}, \{ hidden \}, \{ text \}/);
  expect(problem(page('steps: [{ fill: { selector: "#q", env: lower } }], expect: [{ text: x }]'))).toMatch(/fill is \{ selector, value \} or \{ selector, env \}|the name of an environment variable/);
  // A value from the environment must be there before anything runs: named with the field.
  delete process.env.HP_UNIT_MISSING_VAR;
  expect(() => loadGenericProfile(file(d, 'env.app.yaml', page('steps: [{ fill: { selector: "#q", env: HP_UNIT_MISSING_VAR } }], expect: [{ text: x }]')))).toThrow(/env\.app\.yaml: invalid app config\n {2}- pages\.0\.steps\.0\.fill\.env: \$HP_UNIT_MISSING_VAR is not set; export it before the run/);
  expect(describeStep({ fill: { selector: '#q', env: 'WIKI_SEARCH' } })).toBe('fill #q (from $WIKI_SEARCH)');
  expect(describeStep({ expect: { response: '/api', status: 200 } })).toBe('expect a response from /api with status 200');
});

test('login kinds: form, storage state, HTTP Basic, none; credentials are needed only by a kind that uses them', () => {
  const d = dir();
  const app = (login: string) => file(d, `${login.replace(/\W+/g, '-')}.app.yaml`, `name: wiki\nlogin: ${login}\npages: [{ name: home, path: /, expect: [{ text: x }] }]`);
  const basic = loadGenericProfile(app('basic'));
  expect(basic.httpBasic).toBe(true);
  expect(basic.logIn).toBeUndefined();
  expect(basic.logInWithForm).toBeUndefined();
  const none = loadGenericProfile(app('none'));
  expect([none.httpBasic, none.logIn, none.logInWithForm]).toEqual([undefined, undefined, undefined]);
  expect(needsCredentials(app('basic'))).toBe(true);
  expect(needsCredentials(app('none'))).toBe(false);
  expect(needsCredentials(app('{ form: { path: /login, password: "#p", submit: "#s", done: "#d" } }'))).toBe(true);
  expect(needsCredentials(file(d, 'nologin.app.yaml', 'name: wiki\npages: [{ name: home, path: /, expect: [{ text: x }] }]'))).toBe(false);
  expect(needsCredentials('immich')).toBe(true);
  expect(() => readGenericConfig(app('digest'))).toThrow(/login: login is \{ form: .* basic \(HTTP Basic auth with HEADERPROOF_USER \/ HEADERPROOF_PASSWORD\) or none/);
});
