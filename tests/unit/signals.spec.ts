import { test, expect } from '@playwright/test';
import { fromConsole, fromCspEvent, fromPageError, fromReport, fromRequestFailed } from '../../src/observe/parse.js';
import { dedupe, normalizeBlocked, type Violation } from '../../src/observe/violation.js';

const base = { journey: 'map' };
const PAGE = 'https://photos.example.org/map';

test('console: older "Refused to" format, report-only prefix', () => {
  const v = fromConsole(`[Report Only] Refused to load the image 'data:image/svg+xml;charset=utf-8,%3Csvg' because it violates the following Content Security Policy directive: "img-src 'self'".`, 'warning', PAGE, base)!;
  expect(v).toMatchObject({ kind: 'csp', directive: 'img-src', blockedUrl: 'data', disposition: 'report', channel: 'console' });
});

test('console: newer "Loading the script … violates" format, enforced', () => {
  const v = fromConsole(`Loading the script 'https://www.gstatic.com/cv/js/sender/v1/cast_sender.js' violates the following Content Security Policy directive: "script-src 'self'". Note that 'script-src-elem' was not explicitly set, so 'script-src' is used as a fallback. The action has been blocked.`, 'error', PAGE, base)!;
  expect(v).toMatchObject({ kind: 'csp', directive: 'script-src', blockedUrl: 'https://www.gstatic.com', disposition: 'enforce' });
});

test('console: inline script, report-only, newer format', () => {
  const v = fromConsole(`Executing inline script violates the following Content Security Policy directive 'script-src 'self''. Either the 'unsafe-inline' keyword, a hash ('sha256-kOLM+zZ5ypwOAiB2lKNBam4lUgcysNh3PUo9g1xRz00='), or a nonce ('nonce-...') is required to enable inline execution. The policy is report-only, so the violation has been logged but no further action has been taken.`, 'info', PAGE, base)!;
  expect(v).toMatchObject({ kind: 'csp', directive: 'script-src', blockedUrl: 'inline', disposition: 'report' });
});

test('console: Permissions-Policy violation and plain errors', () => {
  expect(fromConsole('[Violation] Permissions policy violation: fullscreen is not allowed in this document.', 'verbose', PAGE, base))
    .toMatchObject({ kind: 'permissions-policy', directive: 'fullscreen', disposition: 'enforce' });
  expect(fromConsole('Failed to load resource: the server responded with a status of 499 ()', 'error', PAGE, base)).toMatchObject({ kind: 'console-error' });
  expect(fromConsole('hello', 'log', PAGE, base)).toBeNull();
});

test('network: CSP and CORP blocks, aborted requests ignored', () => {
  expect(fromRequestFailed('https://photos.example.org/api/assets/1/thumbnail?size=thumbnail', 'net::ERR_BLOCKED_BY_CSP', PAGE, base))
    .toMatchObject({ kind: 'csp', blockedUrl: 'https://photos.example.org/api/assets/1/thumbnail' });
  expect(fromRequestFailed('https://cdn.example/x.png', 'net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin', PAGE, base))
    .toMatchObject({ kind: 'corp', directive: 'NotSameOrigin', blockedUrl: 'https://cdn.example' });
  expect(fromRequestFailed('https://photos.example.org/x', 'net::ERR_ABORTED', PAGE, base)).toBeNull();
});

test('reports: report-uri body and Reporting API bodies', () => {
  expect(fromReport({ receivedAt: 0, type: 'csp-report', body: { 'document-uri': PAGE, 'effective-directive': 'worker-src', 'blocked-uri': 'blob', disposition: 'report', 'source-file': 'https://photos.example.org/_app/x.js', 'line-number': 3 } }, base))
    .toMatchObject({ kind: 'csp', directive: 'worker-src', blockedUrl: 'blob', disposition: 'report', source: 'https://photos.example.org/_app/x.js:3', channel: 'report' });
  expect(fromReport({ receivedAt: 0, type: 'csp-violation', url: PAGE, body: { documentURL: PAGE, effectiveDirective: 'connect-src', blockedURL: 'https://tiles.immich.cloud/v1/style/light.json', disposition: 'enforce' } }, base, 'observer'))
    .toMatchObject({ directive: 'connect-src', blockedUrl: 'https://tiles.immich.cloud', channel: 'observer' });
  expect(fromReport({ receivedAt: 0, type: 'permissions-policy-violation', url: PAGE, body: { featureId: 'fullscreen', disposition: 'enforce', message: 'no' } }, base))
    .toMatchObject({ kind: 'permissions-policy', directive: 'fullscreen' });
  expect(fromReport({ receivedAt: 0, type: 'deprecation', body: {} }, base)).toBeNull();
});

test('normalizeBlocked: same-origin keeps the path, cross-origin keeps the origin, schemes collapse', () => {
  expect(normalizeBlocked('https://photos.example.org/api/x?c=1', PAGE)).toBe('https://photos.example.org/api/x');
  expect(normalizeBlocked('https://tiles.immich.cloud/v1/a', PAGE)).toBe('https://tiles.immich.cloud');
  expect(normalizeBlocked('blob:https://photos.example.org/123', PAGE)).toBe('blob');
  expect(normalizeBlocked('data', PAGE)).toBe('data');
  expect(normalizeBlocked('inline', PAGE)).toBe('inline');
});

test('dedupe: the same block on several channels counts once per occurrence; console fallback dropped', () => {
  const event = fromCspEvent({ documentURI: PAGE, blockedURI: 'blob:https://photos.example.org/1', effectiveDirective: 'worker-src', violatedDirective: 'script-src', sourceFile: 'https://photos.example.org/m.js', lineNumber: 1, columnNumber: 2, sample: '', disposition: 'report' }, base);
  const report: Violation = { ...event, channel: 'report', source: '' };
  const consoleMsg = fromConsole(`[Report Only] Refused to create a worker from 'blob:https://photos.example.org/1' because it violates the following Content Security Policy directive: "script-src 'self'".`, 'warning', PAGE, base)!;
  const other = fromCspEvent({ documentURI: PAGE, blockedURI: 'inline', effectiveDirective: 'script-src-elem', violatedDirective: 'script-src', sourceFile: PAGE, lineNumber: 8, columnNumber: 1, sample: 'x', disposition: 'report' }, base);
  const groups = dedupe([event, event, report, report, consoleMsg, other]);
  expect(groups).toHaveLength(2);
  const worker = groups.find((g) => g.directive === 'worker-src')!;
  expect(worker.count).toBe(2);
  expect(worker.channels).toEqual(['event', 'report']);
  expect(worker.source).toBe('https://photos.example.org/m.js:1:2');
});

test('dedupe: two inline scripts at different lines stay two groups', () => {
  const at = (line: number) => fromCspEvent({ documentURI: PAGE, blockedURI: 'inline', effectiveDirective: 'script-src-elem', violatedDirective: 'script-src', sourceFile: PAGE, lineNumber: line, columnNumber: 1, sample: '', disposition: 'enforce' }, base);
  expect(dedupe([at(8), at(30), at(8)]).map((g) => g.count)).toEqual([2, 1]);
});

test('dedupe: an inline block seen by the DOM event (column 0) and ReportingObserver (column "0") is one group', () => {
  // Chromium gives the event's column as 0 and the observer's as "0"; when the page is closed early
  // (fail fast) only one of them may arrive, so both must give the same group either way.
  const event = fromCspEvent({ documentURI: PAGE, blockedURI: 'inline', effectiveDirective: 'script-src-elem', violatedDirective: 'script-src-elem', sourceFile: PAGE, lineNumber: 8, columnNumber: 0, sample: 'x', disposition: 'enforce' }, base);
  const observed = fromReport({ receivedAt: 0, type: 'csp-violation', url: PAGE, body: { documentURL: PAGE, blockedURL: 'inline', effectiveDirective: 'script-src-elem', sourceFile: PAGE, lineNumber: 8, columnNumber: 0, sample: 'x', disposition: 'enforce' } }, base, 'observer')!;
  expect(observed.source).toBe(`${PAGE}:8`);
  const groups = dedupe([event, observed]);
  expect(groups).toHaveLength(1);
  expect(groups[0]!.channels).toEqual(['event', 'observer']);
});

test('console: notices about the policy itself are not violations', () => {
  expect(fromConsole(`The Content Security Policy directive 'upgrade-insecure-requests' is ignored when delivered in a report-only policy.`, 'warning', PAGE, base)).toBeNull();
});

test('redaction: share keys, tokens and cookies never reach a report', async () => {
  const { redact, redactViolation } = await import('../../src/observe/violation.js');
  expect(redact('https://p.example/share/abc?key=S3CRET&x=1')).toBe('https://p.example/share/abc?key=[redacted]&x=1');
  expect(redact('Authorization: Bearer eyJhbGciOi.x.y')).not.toContain('eyJhbGciOi');
  expect(redact('cookie: immich_access_token=tok123; other=1')).not.toContain('tok123');
  const v = redactViolation({ kind: 'csp', directive: 'img-src', blockedUrl: 'https://cdn.example', source: 'https://p.example/s/x?key=S3CRET:12:3', sample: "Refused to load 'https://p.example/api/x?key=S3CRET'", disposition: 'enforce', journey: 'j', pageUrl: 'https://p.example/share/x?key=S3CRET', channel: 'event' });
  expect(JSON.stringify(v)).not.toContain('S3CRET');
  expect(v.pageUrl).toBe('https://p.example/share/x');
  expect(v.source).toBe('https://p.example/s/x:12:3');
});

test('Firefox CSP messages (page errors over BiDi) become CSP violations, as a fallback channel', () => {
  const base = { journey: 'map@firefox' };
  const page = 'http://127.0.0.1:4000/map';
  const worker = fromPageError("(Report-Only policy) The page’s settings would block a worker script (worker-src) at blob:http://127.0.0.1:4000/7c7d from being executed because it violates the following directive: “worker-src 'self'”", page, base);
  expect(worker).toMatchObject({ kind: 'csp', directive: 'worker-src', blockedUrl: 'blob', disposition: 'report', channel: 'console' });
  const img = fromPageError("The page’s settings blocked the loading of a resource (img-src) at data:image/png;base64,iVBORw0KGgoAAAANSU… because it violates the following directive: “img-src 'self'”", page, base);
  expect(img).toMatchObject({ kind: 'csp', directive: 'img-src', blockedUrl: 'data', disposition: 'enforce' });
  const tiles = fromPageError("The page’s settings blocked the loading of a resource (connect-src) at https://tiles.immich.cloud/v1/style/light.json because it violates the following directive: “connect-src 'self'”", page, base);
  expect(tiles).toMatchObject({ directive: 'connect-src', blockedUrl: 'https://tiles.immich.cloud' });
  expect(fromPageError("The page’s settings blocked an inline script (script-src-elem) from being executed because it violates the following directive: “script-src 'self'”", page, base)).toMatchObject({ directive: 'script-src-elem', blockedUrl: 'inline' });
  expect(fromPageError("The page’s settings blocked WebAssembly (script-src) from being executed because it violates the following directive: “script-src 'self'” (Missing 'wasm-unsafe-eval' or 'unsafe-eval')", page, base)).toMatchObject({ directive: 'script-src', blockedUrl: 'wasm-eval' });
  // Anything else stays a page error.
  expect(fromPageError('TypeError: x is undefined', page, base).kind).toBe('page-error');
});

test("Firefox's network errors: CORP failures are CORP, aborted loads are nothing", () => {
  const page = 'http://127.0.0.1:4000/photos';
  expect(fromRequestFailed('http://localhost:5000/x.png', 'NS_ERROR_DOM_CORP_FAILED', page, { journey: 'timeline@firefox' })).toMatchObject({ kind: 'corp', blockedUrl: 'http://localhost:5000' });
  expect(fromRequestFailed('http://127.0.0.1:4000/api/assets', 'NS_BINDING_ABORTED', page, { journey: 'timeline@firefox' })).toBeNull();
});

test('Integrity-Policy: the observer report (both engines), Firefox\'s page error and Chromium\'s failed request are one group', () => {
  const script = 'https://photos.example.org/_app/immutable/entry/start.js';
  const observed = fromReport({ receivedAt: 0, type: 'integrity-violation', url: PAGE, body: { documentURL: PAGE, blockedURL: script, destination: 'script', reportOnly: false } }, base, 'observer')!;
  expect(observed).toMatchObject({ kind: 'integrity-policy', directive: 'script', blockedUrl: script, disposition: 'enforce', channel: 'observer' });
  expect(fromReport({ receivedAt: 0, type: 'integrity-violation', url: PAGE, body: { documentURL: PAGE, blockedURL: script, destination: 'script', reportOnly: true } }, base, 'observer'))
    .toMatchObject({ disposition: 'report' });
  const firefox = fromPageError(`The page’s settings blocked a script at ${script} from being loaded because it is missing integrity metadata.`, PAGE, base);
  expect(firefox).toMatchObject({ kind: 'integrity-policy', directive: 'script', blockedUrl: script, disposition: 'enforce' });
  const chromium = fromRequestFailed(script, 'integrity', PAGE, base)!;
  expect(chromium).toMatchObject({ kind: 'integrity-policy', blockedUrl: script, channel: 'network' });
  const groups = dedupe([observed, firefox, chromium, { ...observed }]);
  expect(groups).toHaveLength(1);
  expect(groups[0]).toMatchObject({ kind: 'integrity-policy', directive: 'script', count: 2 });
});
