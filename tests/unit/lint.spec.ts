import { test, expect } from '@playwright/test';
import { parsePolicy } from '../../src/policy/policy.js';
import { lintPolicy, type Finding } from '../../src/lint/lint.js';
import { immich } from '../../src/apps/immich/profile.js';
import { parsePermissionsPolicy } from '../../src/policy/permissions-policy.js';

const lint = (yaml: string): Finding[] => lintPolicy(parsePolicy(`name: x\ndescription: d\n${yaml}`), immich);
const has = (findings: Finding[], severity: string, text: RegExp) => findings.some((f) => f.severity === severity && text.test(`${f.header} ${f.directive ?? ''} ${f.message}`));

test('CSP weaknesses come from csp_evaluator, each with a fix', () => {
  const f = lint(`csp:\n  directives:\n    script-src: ["'self'", "'unsafe-inline'", "'unsafe-eval'", "https:"]\n`);
  expect(has(f, 'high', /script-src.*unsafe-inline/)).toBe(true);
  expect(has(f, 'low', /unsafe-eval/)).toBe(true); // csp_evaluator rates it MEDIUM_MAYBE
  expect(has(f, 'high', /https: URI/)).toBe(true);
  expect(has(f, 'high', /object-src/)).toBe(true); // missing object-src
  expect(f.find((x) => /unsafe-eval/.test(x.message))!.fix).toContain("'wasm-unsafe-eval'");
  expect(f.every((x) => x.fix.length > 0 && x.by)).toBe(true);
});

test('a CSP of only frame-ancestors is not scolded for missing script-src', () => {
  const f = lint(`csp:\n  directives:\n    frame-ancestors: ["'self'"]\n`);
  expect(f.some((x) => x.severity === 'high')).toBe(false);
  expect(has(f, 'info', /restricts no scripts/)).toBe(true);
});

test('HSTS: too short, preload (on any host, and without a year)', () => {
  expect(has(lint(`set:\n  Strict-Transport-Security: max-age=60\n`), 'medium', /too short/)).toBe(true);
  const preload = lint(`set:\n  Strict-Transport-Security: max-age=86400; includeSubDomains; preload\n`);
  expect(has(preload, 'high', /staging/)).toBe(true);
  expect(has(preload, 'high', /at least 31536000/)).toBe(true);
  expect(has(preload, 'medium', /every subdomain/)).toBe(true);
});

test('Permissions-Policy: syntax, unknown features, features Immich needs', () => {
  expect(has(lint(`set:\n  Permissions-Policy: "fullscreen 'self'"\n`), 'high', /old Feature-Policy syntax/)).toBe(true);
  expect(has(lint(`set:\n  Permissions-Policy: "fulscreen=(self)"\n`), 'medium', /unknown feature "fulscreen"/)).toBe(true);
  expect(has(lint(`set:\n  Permissions-Policy: "fullscreen=(), camera=()"\n`), 'high', /fullscreen=\(\) breaks Immich's slideshow/)).toBe(true);
  expect(lint(`set:\n  Permissions-Policy: "camera=(), fullscreen=(self)"\n`)).toEqual([]);
  expect(parsePermissionsPolicy('camera=(), geolocation=(self "https://maps.example")')).toEqual([
    { feature: 'camera', allow: [] }, { feature: 'geolocation', allow: ['self', '"https://maps.example"'] },
  ]);
});

test('contradictory X-Frame-Options and frame-ancestors', () => {
  expect(has(lint(`set:\n  X-Frame-Options: DENY\ncsp:\n  directives:\n    frame-ancestors: ["'self'"]\n`), 'medium', /disagree/)).toBe(true);
  expect(lint(`set:\n  X-Frame-Options: SAMEORIGIN\ncsp:\n  directives:\n    frame-ancestors: ["'self'"]\n`).some((x) => /disagree/.test(x.message))).toBe(false);
});

test('CORP values and upgrade-insecure-requests are explained', () => {
  expect(has(lint(`set:\n  Cross-Origin-Resource-Policy: same-origin\n`), 'info', /hot-linking/)).toBe(true);
  expect(has(lint(`csp:\n  directives:\n    default-src: ["'self'"]\n    upgrade-insecure-requests: []\n`), 'medium', /plain-HTTP install/)).toBe(true);
});

test("the features an app needs come from its profile: fullscreen=() breaks Immich's slideshow, not Node-RED", async () => {
  const { nodeRed } = await import('../../src/apps/node-red/profile.js');
  const p = parsePolicy('name: x\ndescription: d\nset:\n  Permissions-Policy: "fullscreen=()"\n');
  expect(lintPolicy(p, immich).some((f) => /breaks Immich's slideshow/.test(f.message))).toBe(true);
  expect(lintPolicy(p, nodeRed).filter((f) => f.severity === 'high')).toEqual([]);
  expect(lintPolicy(p).filter((f) => f.severity === 'high')).toEqual([]);
});
