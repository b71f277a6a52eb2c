// The production collector's pure parts: what a report body becomes, what is never stored, the
// rate limiter, the SQLite store's cap and retention, and the export's reporting additions.
import { test, expect } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserFamily, ingest, IngestError, pathPattern } from '../../src/collect/ingest.js';
import { RateLimiter } from '../../src/collect/rate-limit.js';
import { openStore } from '../../src/collect/store.js';
import { renderProductionHtml } from '../../src/collect/report.js';
import { exportPolicy, withReporting } from '../../src/export/export.js';
import { loadPolicy } from '../../src/policy/policy.js';
import { neededSources } from '../../src/tune/synthesize.js';
import type { ViolationGroup } from '../../src/observe/violation.js';

const ORIGINS = new Set(['https://photos.example.org']);
const ctx = { origins: ORIGINS, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0' };

test('report-uri body: URL parts that identify or authenticate are gone, the page becomes a pattern', () => {
  const r = ingest('application/csp-report', JSON.stringify({ 'csp-report': {
    'document-uri': 'https://me:pw@photos.example.org/share/AbCdEf0123456789xyzQ/photos/8c1f0a2e-1111-2222-3333-444455556666?key=K#frag',
    'blocked-uri': 'https://tiles.immich.cloud/v1/tiles/1/2/3.pbf?token=T', 'violated-directive': "connect-src 'self'",
    'source-file': 'https://photos.example.org/_app/immutable/chunks/map.js?v=2', 'line-number': 41, 'column-number': 7,
    'script-sample': 'const password = "hunter2";', disposition: 'report',
  } }), ctx);
  expect(r.entries).toEqual([{
    kind: 'csp', directive: 'connect-src', blocked: 'https://tiles.immich.cloud', document: 'https://photos.example.org/share/:key/photos/:id',
    source: 'https://photos.example.org/_app/immutable/chunks/map.js:41', disposition: 'report', sample: 'const password = "[redacted]";', browser: 'Edge',
  }]);
  expect(JSON.stringify(r)).not.toMatch(/me:pw|key=K|frag|token=T|hunter2|AbCdEf0123456789xyzQ/);
});

test('Reporting API list: CSP, Permissions-Policy and COEP kept; other origins, extensions and other types counted, not stored', () => {
  const r = ingest('application/reports+json', JSON.stringify([
    { type: 'csp-violation', url: 'https://photos.example.org/map', user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0',
      body: { documentURL: 'https://photos.example.org/map', blockedURL: 'blob', effectiveDirective: 'worker-src', disposition: 'enforce', lineNumber: null, sourceFile: null } },
    { type: 'permissions-policy-violation', url: 'https://photos.example.org/photos/1', body: { featureId: 'fullscreen', disposition: 'enforce', message: 'no' } },
    { type: 'coep', url: 'https://photos.example.org/', body: { type: 'corp', blockedURL: 'https://cdn.example/a.png', disposition: 'reporting' } },
    { type: 'csp-violation', url: 'https://other.example/', body: { effectiveDirective: 'img-src', blockedURL: 'https://x' } },
    { type: 'csp-violation', url: 'https://photos.example.org/', body: { effectiveDirective: 'script-src-elem', blockedURL: 'inline', sourceFile: 'moz-extension://abc/content.js' } },
    { type: 'deprecation', url: 'https://photos.example.org/', body: { id: 'x' } },
    { type: 'csp-violation', url: 'blob:https://photos.example.org/8c1f0a2e-1111-2222-3333-444455556666', body: { documentURL: 'blob:https://photos.example.org/8c1f0a2e-1111-2222-3333-444455556666', blockedURL: 'http://127.0.0.1:8089/tiles/0/0/0.pbf', effectiveDirective: 'connect-src', disposition: 'report' } },
  ]), ctx);
  expect(r.entries.map((e) => [e.kind, e.directive, e.blocked, e.document, e.disposition, e.browser])).toEqual([
    ['csp', 'worker-src', 'blob', 'https://photos.example.org/map', 'enforce', 'Firefox'],
    ['permissions-policy', 'fullscreen', '', 'https://photos.example.org/photos/:n', 'enforce', 'Edge'],
    ['corp', 'corp', 'https://cdn.example', 'https://photos.example.org/', 'report', 'Edge'],
    ['csp', 'connect-src', 'http://127.0.0.1:8089', 'https://photos.example.org/(blob)', 'report', 'Edge'], // a blob: worker's report
  ]);
  expect(r.dropped).toEqual({ 'foreign-origin': 1, extension: 1, 'unknown-type': 1 });
});

test('Reporting API: Integrity-Policy reports (enforced and report-only) are kept as integrity-policy groups per destination and origin', () => {
  const r = ingest('application/reports+json', JSON.stringify([
    { type: 'integrity-violation', url: 'https://photos.example.org/photos', body: { documentURL: 'https://photos.example.org/photos', blockedURL: 'https://photos.example.org/_app/immutable/chunks/a.js?token=T', destination: 'script', reportOnly: false } },
    { type: 'integrity-violation', url: 'https://photos.example.org/map', user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0', body: { documentURL: 'https://photos.example.org/map', blockedURL: 'https://cdn.example/maplibre.css', destination: 'style', reportOnly: true } },
    { type: 'integrity-violation', url: 'https://other.example/', body: { blockedURL: 'https://x/a.js', destination: 'script' } },
  ]), ctx);
  expect(r.entries.map((e) => [e.kind, e.directive, e.blocked, e.document, e.disposition, e.browser])).toEqual([
    ['integrity-policy', 'script', 'https://photos.example.org', 'https://photos.example.org/photos', 'enforce', 'Edge'],
    ['integrity-policy', 'style', 'https://cdn.example', 'https://photos.example.org/map', 'report', 'Firefox'],
  ]);
  expect(r.dropped).toEqual({ 'foreign-origin': 1 });
  expect(JSON.stringify(r)).not.toContain('token=T');
  expect(() => ingest('application/reports+json', JSON.stringify([{ type: 'integrity-violation', url: 'https://photos.example.org/', body: { destination: 'script' } }]), ctx)).toThrow(/integrity-violation report without blockedURL/);
});

test("a worker's report-uri body says only \"blob\": the request's Origin header places it", () => {
  const body = JSON.stringify({ 'csp-report': { 'document-uri': 'blob', 'blocked-uri': 'http://127.0.0.1:8089/tiles/0/0/0.pbf', 'effective-directive': 'connect-src', disposition: 'report' } });
  expect(ingest('application/csp-report', body, { ...ctx, requestOrigin: 'https://photos.example.org' }).entries[0]).toMatchObject({ document: 'https://photos.example.org/(blob)', blocked: 'http://127.0.0.1:8089' });
  expect(ingest('application/csp-report', body, { ...ctx, requestOrigin: 'https://evil.example' }).dropped).toEqual({ 'foreign-origin': 1 });
  expect(ingest('application/csp-report', body, ctx).dropped).toEqual({ 'foreign-origin': 1 });
});

test('bodies that are not reports: 415 for the type, 400 with what is wrong', () => {
  const code = (type: string, body: string) => {
    try {
      ingest(type, body, ctx);
      return 0;
    } catch (err) {
      expect(err).toBeInstanceOf(IngestError);
      return (err as IngestError).status;
    }
  };
  expect(code('text/plain', '{}')).toBe(415);
  expect(code('application/csp-report', '{')).toBe(400);
  expect(code('application/csp-report', '{"csp-report": {"blocked-uri": "x"}}')).toBe(400); // no document-uri
  expect(code('application/reports+json', '[]')).toBe(400);
  expect(code('application/reports+json', '[{"type":"csp-violation","url":"https://photos.example.org/","body":{}}]')).toBe(400);
  expect(code('application/csp-report', JSON.stringify({ 'csp-report': { 'document-uri': 'x'.repeat(5000) } }))).toBe(400);
});

test('browser families and path patterns', () => {
  expect(browserFamily('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36')).toBe('Chrome');
  expect(browserFamily('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1')).toBe('Safari');
  expect(browserFamily('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0 Mobile Safari/537.36')).toBe('Samsung Internet');
  expect(browserFamily(undefined)).toBe('Other');
  expect(pathPattern('/albums/8c1f0a2e-1111-2222-3333-444455556666/photos/42')).toBe('/albums/:id/photos/:n');
  expect(pathPattern('/share/Xk3_9fJ2mQpLr7Tz')).toBe('/share/:key');
  expect(pathPattern('/user-settings')).toBe('/user-settings');
});

test('rate limiter: a burst, then the refill rate; clients beyond the cap are forgotten oldest first', () => {
  const limiter = new RateLimiter({ burst: 3, perSecond: 1, maxClients: 2 });
  const t = 1_000_000;
  expect([1, 2, 3, 4].map(() => limiter.take('a', t))).toEqual([true, true, true, false]);
  expect(limiter.take('a', t + 1000)).toBe(true);
  expect(limiter.take('a', t + 1000)).toBe(false);
  limiter.take('b', t);
  limiter.take('c', t);
  expect(limiter.clients).toBe(2);
  expect(limiter.take('a', t + 1000)).toBe(true); // 'a' was forgotten: a fresh bucket
});

test('SQLite store: groups add up across batches, the cap counts overflow, retention deletes old groups', async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'hp-store-')), 'r.sqlite');
  const store = await openStore(file, { maxGroups: 2 });
  const e = (blocked: string, browser = 'Chrome') => ({ kind: 'csp' as const, directive: 'img-src', blocked, document: 'https://photos.example.org/', source: '', disposition: 'report' as const, sample: '', browser });
  const day1 = Date.UTC(2026, 10, 1);
  expect(await store.record([e('https://a.example'), e('https://a.example', 'Firefox')], { 'foreign-origin': 2 }, day1)).toEqual({ stored: 2, overflow: 0 });
  await store.record([e('https://a.example'), e('https://b.example')], {}, day1 + 86_400_000);
  expect(await store.record([e('https://c.example')], {}, day1 + 86_400_000)).toEqual({ stored: 0, overflow: 1 });
  const { groups, counters } = await store.contents();
  expect(groups.map((g) => [g.blocked, g.count, g.browsers, g.days])).toEqual([
    ['https://a.example', 3, { Chrome: 2, Firefox: 1 }, { '2026-11-01': 2, '2026-11-02': 1 }],
    ['https://b.example', 1, { Chrome: 1 }, { '2026-11-02': 1 }],
  ]);
  expect(counters).toEqual({ 'foreign-origin': 2, overflow: 1 });
  expect(await store.prune(day1 + 86_400_000)).toBe(0); // both seen on day 2
  await store.record([e('https://c.example')], {}, day1 + 40 * 86_400_000); // room again? no: still 2 groups
  expect(await store.prune(day1 + 10 * 86_400_000)).toBe(2);
  await store.record([e('https://c.example')], {}, day1 + 41 * 86_400_000);
  expect((await store.contents()).groups.map((g) => g.blocked)).toEqual(['https://c.example']);
  await store.close();
  const again = await openStore(file, { readOnly: true });
  expect((await again.contents()).groups).toHaveLength(1);
  await again.close();
  await expect(openStore(path.join(path.dirname(file), 'missing.sqlite'), { readOnly: true })).rejects.toThrow(/no such report database/);
});

test('the production HTML escapes every stored string', () => {
  const html = renderProductionHtml({ counters: {}, groups: [{
    kind: 'csp', directive: 'script-src-elem', blocked: 'inline', document: 'https://photos.example.org/"><script>x()</script>', source: '', disposition: 'report',
    sample: '<img src=x onerror=alert(1)>', count: 1, firstSeen: 0, lastSeen: 0, browsers: { '<b>': 1 }, days: { '2026-11-01': 1 },
  }] });
  expect(html).not.toMatch(/<script>x|<img src=x|<b>/);
  expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
});

test('the production HTML says what a CSP would have to allow for each group', () => {
  const group = (directive: string, blocked: string) => ({ kind: 'csp' as const, directive, blocked, document: 'https://photos.example.org/map', source: '', disposition: 'report' as const, sample: '', count: 3, firstSeen: 0, lastSeen: 0, browsers: {}, days: {} });
  const html = renderProductionHtml({ counters: {}, groups: [group('connect-src', 'https://tiles.immich.cloud'), group('worker-src', 'blob'), group('script-src-elem', 'inline')] });
  expect(html).toContain('<code>connect-src https://tiles.immich.cloud</code>');
  expect(html).toContain('<code>worker-src blob:</code>');
  expect(html).toContain('a hash of that inline code');
});

test('export --report-uri: report-uri in the CSP, Reporting-Endpoints, and the route to the collector', () => {
  const policy = loadPolicy('policies/bundle-e.yaml');
  const withUri = withReporting(policy, 'https://photos.example.org/__csp');
  expect(withUri.csp!.directives['report-uri']).toEqual(['https://photos.example.org/__csp']);
  expect(withUri.csp!.directives['report-to']).toBeUndefined();
  expect(withUri.set['Reporting-Endpoints']).toBe('csp-endpoint="https://photos.example.org/__csp", default="https://photos.example.org/__csp"');
  expect(withReporting(policy, 'https://photos.example.org/__csp', true).csp!.directives['report-to']).toEqual(['csp-endpoint']);
  expect(() => withReporting(policy, '/__csp')).toThrow(/--report-uri: .* absolute URL/);
  expect(() => withReporting(policy, 'https://photos.example.org/__csp?x=1')).toThrow(/no query/);

  const nginx = exportPolicy(policy, 'nginx', { reportUri: 'https://photos.example.org/__csp', collector: 'http://10.0.0.5:8787' });
  expect(nginx).toMatch(/location = \/__csp \{\n\s+proxy_pass http:\/\/10\.0\.0\.5:8787;/);
  expect(exportPolicy(policy, 'caddy', { reportUri: 'https://photos.example.org/__csp' })).toContain('reverse_proxy /__csp http://127.0.0.1:8787');
  const traefik = exportPolicy(policy, 'traefik', { reportUri: 'https://photos.example.org/__csp' });
  expect(traefik).toContain('rule: Host(`photos.example.org`) && Path(`/__csp`)');
  expect(traefik.match(/^http:/gm)).toHaveLength(1); // one YAML document
  expect(exportPolicy(policy, 'nginx')).not.toContain('report-uri'); // nothing without the flag
});

test('tune from reports: sources annotated with report counts and page patterns, not as journeys', () => {
  const v = (blockedUrl: string, pageUrl: string, count: number): ViolationGroup => ({
    kind: 'csp', directive: 'connect-src', blockedUrl, source: '', sample: '', disposition: 'report', journey: 'production', pageUrl, count, channels: ['report'],
  });
  const s = neededSources({ violations: [v('https://tiles.immich.cloud', 'https://photos.example.org/map', 40), v('https://tiles.immich.cloud', 'https://photos.example.org/photos/:id', 2), v('https://photos.example.org', 'https://photos.example.org/map', 1)], inlineBlocks: [] });
  expect(s.directives['connect-src']).toEqual(['https://tiles.immich.cloud', "'self'"]);
  expect(s.notes.find((n) => n.source === 'https://tiles.immich.cloud')).toEqual({ directive: 'connect-src', source: 'https://tiles.immich.cloud', journeys: [], reports: { count: 42, pages: ['/map', '/photos/:id'] } });
});
