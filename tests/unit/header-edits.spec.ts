import { test, expect } from '@playwright/test';
import { parsePolicy } from '../../src/policy/policy.js';
import { applyHeaderEdits, cspHeaderValue, integrityWithEndpoint, policyApplies, servedHeaders } from '../../src/proxy/header-edits.js';

const REPORT = 'http://127.0.0.1:9/__headerproof/report';

test('sets, replaces and removes headers; notes upstream headers it replaced', () => {
  const p = parsePolicy(`name: a\ndescription: d\nset:\n  X-Frame-Options: SAMEORIGIN\n  X-Content-Type-Options: nosniff\nremove: [X-Powered-By]\n`);
  const headers: Record<string, string> = { 'x-powered-by': 'Express', 'x-frame-options': 'DENY', 'content-type': 'text/html' };
  const { replaced } = applyHeaderEdits(headers, p, REPORT);
  expect(headers).toEqual({ 'x-frame-options': 'SAMEORIGIN', 'x-content-type-options': 'nosniff', 'content-type': 'text/html' });
  expect(replaced).toEqual(['X-Frame-Options']);
});

test('an injected CSP reports to our collector and carries report-sample', () => {
  const p = parsePolicy(`name: c\ndescription: d\ncsp:\n  reportOnly: true\n  directives:\n    script-src: ["'self'"]\n    report-uri: ["https://elsewhere.example/r"]\n    object-src: ["'none'"]\n`);
  const headers: Record<string, string> = {};
  applyHeaderEdits(headers, p, REPORT);
  expect(headers['content-security-policy']).toBeUndefined();
  expect(headers['content-security-policy-report-only']).toBe(`script-src 'self' 'report-sample'; object-src 'none'; report-uri ${REPORT}`);
  expect(headers['reporting-endpoints']).toBe(`headerproof="${REPORT}", default="${REPORT}"`);
  expect(cspHeaderValue(p, REPORT, { reportTo: true })).toMatch(/; report-to headerproof$/);
});

test('path scoping', () => {
  const p = parsePolicy(`name: s\ndescription: d\npaths: ["/api/"]\nremove: [X-Powered-By]\n`);
  expect(policyApplies(p, '/api/assets')).toBe(true);
  expect(policyApplies(p, '/photos')).toBe(false);
});

test('servedHeaders lists removed headers as null', () => {
  const p = parsePolicy(`name: s\ndescription: d\nremove: [X-Powered-By]\nset:\n  Referrer-Policy: same-origin\n`);
  expect(servedHeaders(p, REPORT)).toEqual({ 'X-Powered-By': null, 'referrer-policy': 'same-origin' });
});

test("a policy's own Reporting-Endpoints are kept beside the collector's; its default gives way for the run", async () => {
  const p = parsePolicy('name: x\ndescription: d\nset:\n  Integrity-Policy: blocked-destinations=(script), endpoints=(ep)\n  Reporting-Endpoints: ep="https://r.example/a", default="https://r.example/b"\n', 'x.yaml');
  const headers: Record<string, string | string[] | undefined> = {};
  applyHeaderEdits(headers, p, REPORT);
  expect(headers['reporting-endpoints']).toBe(`ep="https://r.example/a", headerproof="${REPORT}", default="${REPORT}"`);
  expect(headers['integrity-policy']).toBe('blocked-destinations=(script), endpoints=(ep headerproof)');
});

test('Integrity-Policy gets the collector as an endpoint (Firefox reports nothing without one), whatever endpoints it names', () => {
  const p = parsePolicy('name: x\ndescription: d\nset:\n  Integrity-Policy-Report-Only: blocked-destinations=(script)\n', 'x.yaml');
  const headers: Record<string, string | string[] | undefined> = {};
  applyHeaderEdits(headers, p, REPORT);
  expect(headers['integrity-policy-report-only']).toBe('blocked-destinations=(script), endpoints=(headerproof)');
  expect(headers['reporting-endpoints']).toBe(`headerproof="${REPORT}", default="${REPORT}"`);
  expect(integrityWithEndpoint('blocked-destinations=(script), endpoints=(headerproof a)')).toBe('blocked-destinations=(script), endpoints=(headerproof a)');
  expect(integrityWithEndpoint('endpoints=(), blocked-destinations=(style)')).toBe('endpoints=(headerproof), blocked-destinations=(style)');
});

test('csp.alongside keeps the app\'s own CSP and sends the policy\'s beside it; without one it is simply set', () => {
  const p = parsePolicy(`name: a\ndescription: d\ncsp:\n  alongside: true\n  directives:\n    default-src: ["'self'"]\n`);
  expect(p.csp?.alongside).toBe(true);
  const headers: Record<string, string | string[]> = { 'content-security-policy': "script-src 'nonce-abc'" };
  const { replaced } = applyHeaderEdits(headers, p, REPORT);
  expect(replaced).toEqual([]);
  expect(headers['content-security-policy']).toEqual(["script-src 'nonce-abc'", expect.stringContaining("default-src 'self'")]);
  const none: Record<string, string> = {};
  applyHeaderEdits(none, p, REPORT);
  expect(none['content-security-policy']).toContain("default-src 'self'");
  // Without it, the app's own is replaced (and said).
  const q = parsePolicy(`name: a\ndescription: d\ncsp:\n  directives:\n    default-src: ["'self'"]\n`);
  const h2: Record<string, string> = { 'content-security-policy': "script-src 'nonce-abc'" };
  expect(applyHeaderEdits(h2, q, REPORT).replaced).toEqual(['content-security-policy']);
  expect(() => parsePolicy(`name: a\ndescription: d\ncsp:\n  alongside: yes please\n  directives:\n    default-src: ["'self'"]\n`, 'p.yaml')).toThrow(/csp\.alongside: must be true \(keep the app's own CSP/);
});
