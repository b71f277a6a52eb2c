import { test, expect } from '@playwright/test';
import YAML from 'yaml';
import { loadPolicy, parsePolicy } from '../../src/policy/policy.js';
import { exportPolicy } from '../../src/export/export.js';
import { parseCsp } from '../../src/policy/csp.js';

const recommended = loadPolicy('policies/immich-recommended.yaml');

test('Traefik file-provider YAML parses back to the policy, dedicated options where they exist', () => {
  const doc = YAML.parse(exportPolicy(recommended, 'traefik'));
  const h = doc.http.middlewares['immich-recommended-headers'].headers;
  expect(parseCsp(h.contentSecurityPolicy)).toEqual(recommended.csp!.directives);
  expect(h).toMatchObject({ contentTypeNosniff: true, customFrameOptionsValue: 'SAMEORIGIN', stsSeconds: 86400, forceSTSHeader: true, referrerPolicy: 'same-origin' });
  expect(h.permissionsPolicy).toBe(recommended.set['Permissions-Policy']);
  // No separate removal of the app's CSP: contentSecurityPolicy replaces it.
  expect(h.customResponseHeaders).toEqual({ 'Cross-Origin-Resource-Policy': 'same-origin', 'X-Powered-By': '' });
});

test('report-only CSP: dedicated option on Traefik 3.1+, customResponseHeaders before', () => {
  const e = loadPolicy('policies/bundle-e.yaml');
  const v31 = YAML.parse(exportPolicy(e, 'traefik')).http.middlewares['bundle-e-headers'].headers;
  expect(parseCsp(v31.contentSecurityPolicyReportOnly)).toEqual(e.csp!.directives);
  const v211 = YAML.parse(exportPolicy(e, 'traefik', { traefikVersion: '2.11' })).http.middlewares['bundle-e-headers'].headers;
  expect(v211.contentSecurityPolicyReportOnly).toBeUndefined();
  expect(parseCsp(v211.customResponseHeaders['Content-Security-Policy-Report-Only'])).toEqual(e.csp!.directives);
  const p24 = YAML.parse(exportPolicy(loadPolicy('policies/bundle-c.yaml'), 'traefik', { traefikVersion: '2.4' })).http.middlewares['bundle-c-headers'].headers;
  expect(p24.customResponseHeaders['Permissions-Policy']).toContain('fullscreen=(self)');
});

test('Docker labels: one label per option, "$" doubled for compose', () => {
  const p = parsePolicy(`name: l\ndescription: d\nset:\n  X-Frame-Options: DENY\n  Referrer-Policy: same-origin\nremove: [X-Powered-By]\n`);
  const labels: string[] = YAML.parse(exportPolicy(p, 'traefik-labels')).labels;
  expect(labels).toEqual([
    'traefik.http.middlewares.l-headers.headers.frameDeny=true',
    'traefik.http.middlewares.l-headers.headers.referrerPolicy=same-origin',
    'traefik.http.middlewares.l-headers.headers.customResponseHeaders.X-Powered-By=',
  ]);
});

test('nginx: add_header … always, proxy_hide_header, quotes escaped', () => {
  const conf = exportPolicy(recommended, 'nginx');
  expect(conf).toContain('proxy_hide_header X-Powered-By;');
  expect(conf).toMatch(/^add_header Content-Security-Policy "default-src 'self'; .*" always;$/m);
  expect(conf).toContain('add_header X-Content-Type-Options "nosniff" always;');
  const scoped = exportPolicy(parsePolicy(`name: s\ndescription: d\npaths: ["/api/"]\nset:\n  X-Content-Type-Options: nosniff\n`), 'nginx');
  expect(scoped).toContain('location block(s) for: /api/');
});

test('Caddy: a header block with -Name removals', () => {
  const conf = exportPolicy(recommended, 'caddy');
  expect(conf).toMatch(/^header \{$/m);
  expect(conf).toContain('\tX-Frame-Options "SAMEORIGIN"');
  expect(conf).toContain('\t-X-Powered-By');
});

test('exports never carry headerproof\'s own reporting endpoint', () => {
  for (const format of ['traefik', 'traefik-labels', 'nginx', 'caddy'] as const) {
    const out = exportPolicy(loadPolicy('policies/bundle-e.yaml'), format);
    expect(out).not.toContain('__headerproof');
    expect(out).not.toContain('report-sample');
  }
});

test('a CSP kept beside the app\'s own: nginx adds without hiding, Caddy adds a deferred line, Traefik (which can only replace) leaves it to the app and says so', () => {
  const p = parsePolicy(`name: beside\ndescription: d\nset:\n  X-Content-Type-Options: nosniff\ncsp:\n  alongside: true\n  directives:\n    default-src: ["'self'"]\n`);
  const nginx = exportPolicy(p, 'nginx');
  expect(nginx).toContain(`add_header Content-Security-Policy "default-src 'self'" always;`);
  expect(nginx).not.toContain('proxy_hide_header Content-Security-Policy');
  expect(nginx).toContain("the app's own is kept");
  const caddy = exportPolicy(p, 'caddy');
  expect(caddy).toContain(`\t+Content-Security-Policy "default-src 'self'"`);
  expect(caddy).toContain('\tdefer');
  expect(caddy).toContain('\tX-Content-Type-Options "nosniff"');
  const traefik = exportPolicy(p, 'traefik');
  const h = YAML.parse(traefik).http.middlewares['beside-headers'].headers;
  expect(h.contentSecurityPolicy).toBeUndefined();
  expect(h.contentTypeNosniff).toBe(true);
  expect(traefik).toContain("# NOTE: Content-Security-Policy left to the app: the policy keeps the app's own");
});

test('a directive a subset leaves open says so in words in every export, not only as "* data: blob: …"', () => {
  // A layer (src/export/layers.ts) carries its CSP as a header value.
  const p = { name: 'layer', description: 'd', file: '', remove: [], set: { 'Content-Security-Policy': "default-src 'self'; connect-src * data: blob: 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'; img-src 'self'" } };
  for (const format of ['nginx', 'caddy', 'traefik'] as const) {
    expect(exportPolicy(p, format), format).toContain("# Content-Security-Policy: connect-src left open on purpose — not restricted for this app");
  }
  expect(exportPolicy(parsePolicy(`name: x\ndescription: d\ncsp:\n  directives:\n    default-src: ["'self'"]\n`), 'nginx')).not.toContain('left open');
});
