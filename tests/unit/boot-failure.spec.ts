import { test, expect } from '@playwright/test';
import { appProfile } from '../../src/apps/index.js';
import { allowsInlineScript, allowsOwnScripts, bootBlockedReason, type BootContext } from '../../src/observe/boot-failure.js';
import type { Violation } from '../../src/observe/violation.js';
import type { InlineBlock } from '../../src/proxy/inline-scripts.js';

const BOOT: InlineBlock = { kind: 'script', hash: "'sha256-boot='", path: '/photos', sample: '__sveltekit_x = {', buildSpecific: true };
const THEME: InlineBlock = { kind: 'script', hash: "'sha256-theme='", path: '/photos', sample: 'var storedTheme', buildSpecific: false };
const ORIGIN = 'http://127.0.0.1:4000';

function csp(directive: string, blockedUrl: string, disposition: Violation['disposition'] = 'enforce'): Violation {
  return { kind: 'csp', directive, blockedUrl, source: '', sample: '', disposition, journey: 'login', pageUrl: `${ORIGIN}/photos`, channel: 'event' };
}
const ctx = (enforced: BootContext['enforced'], inlineBlocks = [THEME, BOOT]): BootContext => ({ enforced, inlineBlocks, appOrigin: ORIGIN, entryModule: appProfile('immich').build?.entryModule });

test('inline scripts: a hash allows its script; unsafe-inline only without hashes, nonces or strict-dynamic', () => {
  expect(allowsInlineScript({ 'script-src': ["'self'"] }, "'sha256-boot='")).toBe(false);
  expect(allowsInlineScript({ 'script-src': ["'self'", "'sha256-boot='"] }, "'sha256-boot='")).toBe(true);
  expect(allowsInlineScript({ 'script-src': ["'self'", "'unsafe-inline'"] }, "'sha256-boot='")).toBe(true);
  expect(allowsInlineScript({ 'script-src': ["'unsafe-inline'", "'sha256-theme='"] }, "'sha256-boot='")).toBe(false);
  expect(allowsInlineScript({ 'script-src': ["'unsafe-inline'", "'strict-dynamic'"] }, "'sha256-boot='")).toBe(false);
  expect(allowsInlineScript({ 'default-src': ["'self'"] }, "'sha256-boot='")).toBe(false);
  expect(allowsInlineScript({ 'img-src': ["'self'"] }, "'sha256-boot='")).toBe(true);
  expect(allowsInlineScript({ 'script-src': ["'self'"], 'script-src-elem': ["'self'", "'sha256-boot='"] }, "'sha256-boot='")).toBe(true);
});

test('a blocked inline bootstrap stops the boot; a blocked theme script alone does not', () => {
  expect(bootBlockedReason(csp('script-src-elem', 'inline'), ctx({ 'script-src': ["'self'"] }))).toContain('blocks its inline bootstrap script');
  // Only the theme script is blocked: the bootstrap's hash is allowed, the app still boots.
  expect(bootBlockedReason(csp('script-src-elem', 'inline'), ctx({ 'script-src': ["'self'", "'sha256-boot='"] }))).toBeUndefined();
  // The proxy has not seen a bootstrap (not Immich's HTML): no conclusion.
  expect(bootBlockedReason(csp('script-src-elem', 'inline'), ctx({ 'script-src': ["'self'"] }, [THEME]))).toBeUndefined();
});

test("only the bootstrap's own violation stops the boot: the theme script's, blocked first, does not", () => {
  const blocked = ctx({ 'script-src': ["'self'"] });
  const theme = { ...csp('script-src-elem', 'inline'), sample: 'var storedTheme' };
  const boot = { ...csp('script-src-elem', 'inline'), sample: '__sveltekit_x = {' };
  expect(bootBlockedReason(theme, blocked)).toBeUndefined();
  expect(bootBlockedReason(boot, blocked)).toContain('blocks its inline bootstrap script');
  // The browser's sample may wrap the same text differently.
  expect(bootBlockedReason({ ...boot, sample: '__sveltekit_x\n   =' }, blocked)).toContain('blocks its inline bootstrap script');
  // Firefox cuts the sample with "…" (measured on Firefox ESR 153): still the bootstrap's.
  expect(bootBlockedReason({ ...boot, sample: '\n  __sveltekit_x\u2026' }, blocked)).toContain('blocks its inline bootstrap script');
  expect(bootBlockedReason({ ...theme, sample: '\n  var stored\u2026' }, blocked)).toBeUndefined();
});

test('a blocked entry module stops the boot; other blocks, report-only and other origins do not', () => {
  expect(bootBlockedReason(csp('script-src-elem', `${ORIGIN}/_app/immutable/entry/start.abc.js`), ctx({ 'script-src': ["'unsafe-inline'"] }))).toBe(
    'the app cannot boot: the enforced CSP (script-src-elem) blocks its entry module /_app/immutable/entry/start.abc.js');
  // A chunk blocked by a policy that still lets the app's own origin load scripts (a path of it): not the boot.
  expect(bootBlockedReason(csp('script-src-elem', `${ORIGIN}/_app/immutable/chunks/maplibre.js`), ctx({ 'script-src': ["'unsafe-inline'", `${ORIGIN}/_app/immutable/entry/`] }))).toBeUndefined();
  expect(bootBlockedReason(csp('script-src-elem', 'https://cdn.example/_app/immutable/entry/x.js'), ctx({ 'script-src': ["'self'"] }))).toBeUndefined();
  // The entry path is the app's (its profile's), not the core's: another app's same path is only a script.
  expect(bootBlockedReason(csp('script-src-elem', `${ORIGIN}/_app/immutable/entry/start.abc.js`), { ...ctx({ 'script-src': ["'unsafe-inline'", `${ORIGIN}/vendor/`] }), entryModule: undefined })).toBeUndefined();
  expect(bootBlockedReason(csp('script-src-elem', 'inline', 'report'), ctx({ 'script-src': ["'self'"] }))).toBeUndefined();
  expect(bootBlockedReason(csp('img-src', 'data'), ctx({ 'img-src': ["'self'"] }))).toBeUndefined();
  expect(bootBlockedReason(csp('script-src', 'wasm-eval'), ctx({ 'script-src': ["'self'"] }))).toBeUndefined();
  expect(bootBlockedReason(csp('script-src-elem', 'inline'), ctx(undefined))).toBeUndefined();
});

// Issue 39: any app, not only one whose build markers headerproof knows.
test('any app: a script file of its own origin blocked by a policy that lets none load from there stops the boot', () => {
  expect(bootBlockedReason(csp('script-src-elem', `${ORIGIN}/vendor/vendor.js`), ctx({ 'script-src': ["'none'"] }, []))).toBe(
    "the app cannot boot: the enforced CSP (script-src-elem) lets no script file load from the app's own origin (blocked /vendor/vendor.js)");
  expect(bootBlockedReason(csp('script-src', `${ORIGIN}/red/red.min.js`), ctx({ 'default-src': ["'none'"], 'img-src': ["'self'"] }, []))).toContain("lets no script file load from the app's own origin");
  // A policy that might let some of them load: the journey decides, not fail-fast.
  for (const sources of [["'self'"], ['*'], ["'strict-dynamic'", "'nonce-abc'"], ["'sha256-x='"], ['http:'], ['127.0.0.1:4000'], ['http://127.0.0.1:*'], ['http://127.0.0.1:4000/js/']]) {
    expect(allowsOwnScripts({ 'script-src': sources }, ORIGIN), sources.join(' ')).toBe(true);
    expect(bootBlockedReason(csp('script-src-elem', `${ORIGIN}/vendor/vendor.js`), ctx({ 'script-src': sources }, [])), sources.join(' ')).toBeUndefined();
  }
  for (const sources of [["'none'"], ["'unsafe-inline'", "'unsafe-eval'"], ['https://cdn.example'], ['127.0.0.1:5000'], ['https:'], ['*.example.org']]) {
    expect(allowsOwnScripts({ 'script-src': sources }, ORIGIN), sources.join(' ')).toBe(false);
  }
  expect(allowsOwnScripts({ 'script-src': ['https:'] }, 'https://photos.example')).toBe(true);
  expect(allowsOwnScripts({ 'script-src': ['*.example'] }, 'https://photos.example')).toBe(true);
  // Another origin's script, a report-only block, or no script directive: never the boot.
  expect(bootBlockedReason(csp('script-src-elem', 'https://cdn.example'), ctx({ 'script-src': ["'none'"] }, []))).toBeUndefined();
  expect(bootBlockedReason(csp('script-src-elem', `${ORIGIN}/vendor.js`, 'report'), ctx({ 'script-src': ["'none'"] }, []))).toBeUndefined();
  expect(bootBlockedReason(csp('connect-src', `${ORIGIN}/api`), ctx({ 'connect-src': ["'none'"] }, []))).toBeUndefined();
});
