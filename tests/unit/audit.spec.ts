import { test, expect } from '@playwright/test';
import { auditFindings, headerDrift, type AuditedUrl } from '../../src/audit/audit.js';
import { loadPolicy } from '../../src/policy/policy.js';

const url = (role: AuditedUrl['role'], path: string, headers: Record<string, string | string[]>): AuditedUrl => ({
  role, path, status: 200, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])),
});

test('a bare Immich (v1.135 headers) has every ZAP baseline finding', () => {
  const bare = [
    url('html', '/', { 'x-powered-by': 'Express', 'cache-control': 'no-store', 'content-type': 'text/html' }),
    url('api', '/api/server/ping', { 'x-powered-by': 'Express' }),
    url('favicon', '/favicon.ico', { 'content-type': 'text/html' }),
  ];
  const ids = auditFindings(bare, true).map((f) => f.id);
  expect(ids).toEqual(expect.arrayContaining(['hsts-missing', 'clickjacking', 'nosniff-missing', 'csp-missing', 'permissions-policy-missing', 'corp-missing-or-invalid', 'x-powered-by', 'favicon-content-type']));
  expect(ids).not.toContain('html-cacheable');
});

test('two CSP headers are called out', () => {
  const f = auditFindings([url('html', '/', { 'content-security-policy': ["default-src 'self'", "script-src 'self'"] })], false);
  expect(f.map((x) => x.id)).toContain('two-csps');
});

test('drift: equal headers give none; changed, missing and leftover headers are each reported', () => {
  const policy = loadPolicy('policies/immich-recommended.yaml');
  const exact: Record<string, string> = {};
  for (const [k, v] of Object.entries(policy.set)) exact[k.toLowerCase()] = v;
  // The same CSP in another order, with a reporting endpoint: no drift.
  const reordered = Object.entries(policy.csp!.directives).reverse().map(([k, v]) => `${k} ${[...v].reverse().join(' ')}`).join('; ') + '; report-uri /r';
  expect(headerDrift([url('html', '/', { ...exact, 'content-security-policy': reordered })], policy)).toEqual([]);

  const { 'referrer-policy': _missing, ...rest } = exact;
  const drifted = headerDrift([url('html', '/', { ...rest, 'x-frame-options': 'DENY', 'x-powered-by': 'Express', 'content-security-policy': "default-src 'self'" })], policy);
  const by = Object.fromEntries(drifted.map((d) => [d.header, d]));
  expect(by['X-Frame-Options']).toMatchObject({ expected: 'SAMEORIGIN', actual: 'DENY' });
  expect(by['Referrer-Policy']).toMatchObject({ expected: 'same-origin', actual: null });
  expect(by['X-Powered-By']).toMatchObject({ expected: null, actual: 'Express' });
  expect(by['Content-Security-Policy']!.actual).toBe("default-src 'self'");
});

test('drift respects path scoping', () => {
  const scoped = { ...loadPolicy('policies/bundle-d.yaml'), paths: ['/api/'] };
  expect(headerDrift([url('html', '/', {})], scoped)).toEqual([]);
  expect(headerDrift([url('api', '/api/server/ping', {})], scoped)).toHaveLength(1);
});
