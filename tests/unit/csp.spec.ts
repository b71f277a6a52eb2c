import { test, expect } from '@playwright/test';
import { checkSource, diffCsp, effectiveSources, mergeCsp, parseCsp, serializeCsp } from '../../src/policy/csp.js';

test('parse and serialize round-trip, first directive wins', () => {
  const d = parseCsp("default-src 'self'; script-src 'self' blob:;  ; script-src 'none'; upgrade-insecure-requests");
  expect(d).toEqual({ 'default-src': ["'self'"], 'script-src': ["'self'", 'blob:'], 'upgrade-insecure-requests': [] });
  expect(serializeCsp(d)).toBe("default-src 'self'; script-src 'self' blob:; upgrade-insecure-requests");
});

test('merge widens and drops none; diff names what changed', () => {
  const a = { 'img-src': ["'none'"], 'script-src': ["'self'"] };
  const b = { 'img-src': ['data:'], 'worker-src': ['blob:'] };
  expect(mergeCsp(a, b)).toEqual({ 'img-src': ['data:'], 'script-src': ["'self'"], 'worker-src': ['blob:'] });
  const diff = diffCsp(a, mergeCsp(a, b));
  expect(diff.added).toEqual({ 'img-src': ['data:'], 'worker-src': ['blob:'] });
  expect(diff.removed).toEqual({ 'img-src': ["'none'"] });
});

test('source validation', () => {
  for (const ok of ["'self'", "'sha256-abc+/='", "'nonce-xyz'", 'https:', 'data:', 'https://tiles.immich.cloud', '*.example.org', 'wss://x.example:443/path', 'http://127.0.0.1:*']) {
    expect(checkSource('script-src', ok), ok).toBeNull();
  }
  expect(checkSource('script-src', 'self')).toContain('must be quoted');
  expect(checkSource('script-src', "'unsafe-everything'")).toContain('not a CSP keyword');
  expect(checkSource('script-src', 'sha256-abc')).toContain('must be quoted');
  expect(checkSource('script-src', 'a b')).toContain('one token');
  expect(checkSource('sandbox', 'allow-scripts')).toBeNull();
  expect(checkSource('sandbox', 'scripts')).toContain('allow-');
});

test('fallback: worker-src falls back to script-src then default-src', () => {
  expect(effectiveSources({ 'script-src': ["'self'"], 'default-src': ["'none'"] }, 'worker-src')).toEqual(["'self'"]);
  expect(effectiveSources({ 'default-src': ["'none'"] }, 'img-src')).toEqual(["'none'"]);
  expect(effectiveSources({}, 'img-src')).toBeUndefined();
});
