import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appProfile, AppError, SHIPPED_APPS } from '../../src/apps/index.js';
import { GenericAppError, loadGenericProfile, readGenericConfig } from '../../src/apps/generic/profile.js';
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
