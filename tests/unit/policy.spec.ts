import { test, expect } from '@playwright/test';
import { parsePolicy, loadPolicy, PolicyError } from '../../src/policy/policy.js';

function problems(text: string, file = 'p.yaml'): string {
  try {
    parsePolicy(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as PolicyError).message;
  }
  throw new Error('expected a PolicyError');
}

test('a full policy parses into the model', () => {
  const p = parsePolicy(`
name: bundle-x
description: everything
set:
  x-content-type-options: nosniff
  Strict-Transport-Security: max-age=300
remove: [X-Powered-By]
paths: ["/", "/api/"]
csp:
  reportOnly: true
  directives:
    default-src: ["'self'"]
    script-src: ["'self'", "'sha256-h5wSYKWbmHcoYTdkHNNguMswVNCphpvwW+uxooXhF/Y='", "blob:"]
    connect-src: ["'self'", "https://tiles.immich.cloud", "wss://photos.example.org"]
    upgrade-insecure-requests: []
`, 'x.yaml');
  expect(p.name).toBe('bundle-x');
  expect(p.set).toEqual({ 'X-Content-Type-Options': 'nosniff', 'Strict-Transport-Security': 'max-age=300' });
  expect(p.remove).toEqual(['X-Powered-By']);
  expect(p.paths).toEqual(['/', '/api/']);
  expect(p.csp?.reportOnly).toBe(true);
  expect(p.csp?.directives['script-src']).toHaveLength(3);
});

test('JSON policy files are accepted', () => {
  const p = parsePolicy(JSON.stringify({ name: 'j', description: 'd', remove: ['Server'] }), 'j.json');
  expect(p.remove).toEqual(['Server']);
});

test('an unquoted keyword names the field and the fix', () => {
  const msg = problems(`name: x\ndescription: d\ncsp:\n  directives:\n    script-src: [self]\n`);
  expect(msg).toContain('p.yaml');
  expect(msg).toContain('csp.directives.script-src[0]');
  expect(msg).toContain(`"'self'"`);
});

test('a misspelled header gets a did-you-mean', () => {
  expect(problems(`name: x\ndescription: d\nset:\n  X-Content-Type-Option: nosniff\n`)).toContain('did you mean X-Content-Type-Options?');
});

test('header injection with CR/LF is refused', () => {
  expect(problems(`name: x\ndescription: d\nset:\n  X-Frame-Options: "DENY\\r\\nSet-Cookie: a=b"\n`)).toMatch(/set\.X-Frame-Options: .*line break/);
});

test('bad values, unknown fields, CSP under set, unknown directives', () => {
  expect(problems(`name: x\ndescription: d\nset:\n  X-Frame-Options: ALLOWALL\n`)).toContain('must be one of: DENY, SAMEORIGIN');
  expect(problems(`name: x\ndescription: d\nheaders: {}\n`)).toContain('unknown field "headers"');
  expect(problems(`name: x\ndescription: d\nset:\n  Content-Security-Policy: "default-src 'self'"\n`)).toContain('put the CSP under "csp:"');
  expect(problems(`name: x\ndescription: d\ncsp:\n  directives:\n    scrpt-src: ["'self'"]\n`)).toContain('unknown CSP directive "scrpt-src"');
  expect(problems(`name: x\ndescription: d\ncsp:\n  directives:\n    upgrade-insecure-requests: ["'self'"]\n`)).toContain('takes no sources');
  expect(problems(`name: x\ndescription: d\nset:\n  Strict-Transport-Security: forever\n`)).toContain('max-age=');
  expect(problems(`name: x\ndescription: d\nremove: [X-Powered-By]\nset:\n  X-Powered-By: nothing\n`)).toContain('either set or removed');
  expect(problems(`name: x\ndescription: d\npaths: [api]\n`)).toContain('must start with "/"');
});

test('missing name and description are both reported', () => {
  const msg = problems(`set: {}\n`);
  expect(msg).toContain('name: is required');
  expect(msg).toContain('description: is required');
});

test('YAML and JSON syntax errors name the file and position', () => {
  expect(problems(`name: [unclosed\n`)).toMatch(/p\.yaml.*not valid YAML at line \d+/s);
  expect(problems(`{"name": `, 'p.json')).toContain('not valid JSON');
  expect(problems(`- a\n- b\n`)).toContain('must be a mapping');
});

test('a missing file is a PolicyError, not a crash', () => {
  expect(() => loadPolicy('policies/does-not-exist.yaml')).toThrow(/no such file/);
});

test('every shipped policy is valid', async () => {
  const { readdirSync } = await import('node:fs');
  const files = [...readdirSync('policies').map((f) => `policies/${f}`), ...readdirSync('policies/examples').map((f) => `policies/examples/${f}`)];
  const policies = files.filter((f) => /\.(ya?ml|json)$/.test(f));
  expect(policies.length).toBeGreaterThanOrEqual(8);
  for (const f of policies) expect(() => loadPolicy(f), f).not.toThrow();
});

test("2026's headers: Integrity-Policy (and its report-only twin), Document-Isolation-Policy, Reporting-Endpoints, COEP credentialless", () => {
  const p = parsePolicy(`name: x\ndescription: d\nset:
  Integrity-Policy: blocked-destinations=(script), endpoints=(ep)
  Integrity-Policy-Report-Only: "blocked-destinations=(script style)"
  Document-Isolation-Policy: isolate-and-credentialless; report-to="ep"
  Reporting-Endpoints: ep="https://reports.example.org/r"
  Cross-Origin-Embedder-Policy: credentialless
`, 'x.yaml');
  expect(Object.keys(p.set)).toEqual(['Integrity-Policy', 'Integrity-Policy-Report-Only', 'Document-Isolation-Policy', 'Reporting-Endpoints', 'Cross-Origin-Embedder-Policy']);
  expect(problems(`name: x\ndescription: d\nset:\n  Integrity-Policy: endpoints=(ep)\n`)).toMatch(/set\.Integrity-Policy: .*needs blocked-destinations/);
  expect(problems(`name: x\ndescription: d\nset:\n  Integrity-Policy: blocked-destinations=(image)\n`)).toMatch(/"image" is not allowed in blocked-destinations \(allowed: script, style\)/);
  expect(problems(`name: x\ndescription: d\nset:\n  Integrity-Policy: script\n`)).toMatch(/must look like "blocked-destinations=\(script\)"/);
  expect(problems(`name: x\ndescription: d\nset:\n  Document-Isolation-Policy: isolate\n`)).toMatch(/must be isolate-and-require-corp, isolate-and-credentialless or none/);
  expect(problems(`name: x\ndescription: d\nset:\n  Reporting-Endpoints: headerproof="https://x.example/r"\n`)).toMatch(/"headerproof" is headerproof's own/);
  expect(problems(`name: x\ndescription: d\nset:\n  Report-To: "{}"\n`)).toMatch(/use Reporting-Endpoints/);
});

test('a header headerproof does not model is served as written, with a warning; a near-miss of a known one is still refused', async () => {
  const p = parsePolicy(`name: x\ndescription: d\nset:\n  Speculation-Rules: '"/rules.json"'\n`, 'x.yaml');
  expect(p.set['Speculation-Rules']).toBe('"/rules.json"');
  const { policyWarnings } = await import('../../src/policy/warnings.js');
  expect(policyWarnings(p, 'http://127.0.0.1:1').join('\n')).toContain('Speculation-Rules is not a header headerproof models: it is served as written');
  expect(policyWarnings(parsePolicy(`name: x\ndescription: d\nset:\n  X-Frame-Options: DENY\n`, 'y.yaml'), 'http://127.0.0.1:1')).toEqual([]);
  expect(problems(`name: x\ndescription: d\nset:\n  Integrity-Polcy: blocked-destinations=(script)\n`)).toContain('did you mean Integrity-Policy?');
});

test('an Integrity-Policy that names no endpoints is warned about: Firefox reports nothing for it', async () => {
  const { policyWarnings } = await import('../../src/policy/warnings.js');
  const warn = (v: string) => policyWarnings(parsePolicy(`name: x\ndescription: d\nset:\n  Integrity-Policy-Report-Only: "${v}"\n`, 'x.yaml'), 'http://127.0.0.1:1').join('\n');
  expect(warn('blocked-destinations=(script)')).toContain('Integrity-Policy-Report-Only names no endpoints: Firefox then reports nothing');
  expect(warn('blocked-destinations=(script), endpoints=()')).toContain('names no endpoints');
  expect(warn('blocked-destinations=(script), endpoints=(ep)')).not.toContain('names no endpoints');
});
