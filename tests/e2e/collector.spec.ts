// headerproof collect faces the internet: a hostile flood, broken bodies, a crash mid-flood, and
// several collectors on one PostgreSQL. Real sockets to a real child process; addresses on
// loopback (127.0.0.0/8) stand for different clients.
import { test, expect } from '@playwright/test';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProductionReport } from '../../src/collect/report.js';
import { memoryOf, post, startCollectorProcess, type CollectorProcess } from '../support/collector.js';
import { freePort } from '../support/ports.js';
import { postgresBin, startPostgres } from '../support/postgres.js';
import { runCli } from './helpers.js';

const ORIGIN = 'https://photos.example.org';
const CSP = 'application/csp-report';
const REPORTS = 'application/reports+json';
const running: CollectorProcess[] = [];
test.afterEach(async () => {
  for (const c of running.splice(0)) await c.stop('SIGKILL');
});

async function collector(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CollectorProcess> {
  const c = await startCollectorProcess(args, await freePort(), env);
  running.push(c);
  return c;
}

async function stored(db: string): Promise<ProductionReport> {
  const r = await runCli(['reports', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ProductionReport;
}

/** Runs `count` tasks with at most `width` in flight. */
async function pool<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) {
      const i = next++;
      out[i] = await task(i);
    }
  }));
  return out;
}

const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});

/** 50 Reporting API reports: new groups each time, foreign origins, secrets in URLs, extensions. */
function hostileBatch(i: number): string {
  return JSON.stringify(Array.from({ length: 50 }, (_, j) => {
    const n = i * 50 + j;
    const doc = n % 5 === 0 ? `https://evil.example/p${n}` : `${ORIGIN}/photos/${n}x${'a'.repeat(20)}?key=SECRET-${n}#access_token=TOKEN-${n}`;
    return {
      type: 'csp-violation',
      url: doc,
      body: {
        documentURL: doc,
        blockedURL: n % 7 === 0 ? 'chrome-extension://abcdef/inject.js' : `https://x${n}.attacker.example/p?token=SECRET-${n}`,
        effectiveDirective: ['script-src-elem', 'img-src', 'connect-src'][n % 3],
        sample: `<script>alert(${n})</script> password=SECRET-${n}`,
        disposition: 'report',
      },
    };
  }));
}

test('a hostile flood of 100,000 reports: bounded memory, other clients still accepted, nothing stored that should not be', async ({}, testInfo) => {
  test.setTimeout(180_000);
  const db = testInfo.outputPath('flood.sqlite');
  const c = await collector(['--db', db, '--origin', ORIGIN, '--max-groups', '500']);
  const start = await memoryOf(c.proc.pid!);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  // An ordinary browser reports a blocked inline script, once before the flood and 19 times during it
  // (a group that exists keeps counting when a flood has filled the cap on groups).
  const userReport = JSON.stringify({ 'csp-report': {
    'document-uri': `${ORIGIN}/photos/8c1f0a2e-1111-2222-3333-444455556666?key=SHARE-SECRET`,
    'blocked-uri': 'inline', 'effective-directive': 'script-src-elem', 'script-sample': '<img src=x onerror=alert(1)>',
    'source-file': `${ORIGIN}/photos/8c1f0a2e-1111-2222-3333-444455556666`, 'line-number': 8, disposition: 'report',
  } });
  const firefox = { localAddress: '127.0.0.2', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0' } };
  const user: number[] = [await post(c.url, CSP, userReport, firefox)];
  // One address sends 50,000 reports as fast as it can; 1,000 addresses send another 50,000.
  const flood = Promise.all([
    pool(1000, 32, (i) => post(c.url, REPORTS, hostileBatch(i), { agent, localAddress: '127.0.0.1' })),
    pool(1000, 32, (i) => post(c.url, REPORTS, hostileBatch(1000 + i), { localAddress: `127.1.${i >> 8}.${(i & 255) || 254}` })),
  ]);
  for (let i = 1; i < 20; i++) {
    user.push(await post(c.url, CSP, userReport, firefox));
    await new Promise((r) => setTimeout(r, 20));
  }
  const [single, many] = await flood;
  agent.destroy();

  expect(user).toEqual(new Array(20).fill(204));
  const singleTally = tally(single);
  expect(singleTally[429], JSON.stringify(singleTally)).toBeGreaterThan(500); // the rate limit held the single address back
  expect((singleTally[204] ?? 0) + (singleTally[429] ?? 0) + (singleTally[503] ?? 0)).toBe(1000);
  const manyTally = tally(many);
  expect((manyTally[204] ?? 0) + (manyTally[503] ?? 0), JSON.stringify(manyTally)).toBe(1000);

  const end = await memoryOf(c.proc.pid!);
  testInfo.annotations.push({ type: 'memory', description: `RSS ${start.rss.toFixed(0)} MiB at start, peak ${end.peak.toFixed(0)} MiB` });
  expect(end.peak - start.rss).toBeLessThan(150);

  // Malformed, oversized, of the wrong type, or reading on the ingest port: clear 4xx.
  const other = { localAddress: '127.0.0.3' };
  expect(await post(c.url, CSP, '{not json', other)).toBe(400);
  expect(await post(c.url, CSP, JSON.stringify({ 'csp-report': { 'blocked-uri': 'x' } }), other)).toBe(400);
  expect(await post(c.url, REPORTS, JSON.stringify([{ type: 'csp-violation', url: ORIGIN, body: {} }]), other)).toBe(400);
  expect(await post(c.url, 'text/plain', '{}', other)).toBe(415);
  expect(await post(c.url, CSP, 'x'.repeat(70_000), other)).toBe(413);
  const get = await fetch(`${c.url}/reports.json`);
  expect(get.status).toBe(405);
  expect(await get.text()).not.toContain('csp');

  const r = await stored(db);
  expect(r.totals.groups).toBeLessThanOrEqual(500);
  expect(r.totals.notStored.overflow).toBeGreaterThan(0);
  expect(r.totals.notStored['foreign-origin']).toBeGreaterThan(0);
  expect(r.totals.notStored.extension).toBeGreaterThan(0);
  const everything = JSON.stringify(r);
  expect(everything).not.toMatch(/SECRET|TOKEN|evil\.example|chrome-extension/);
  expect(r.groups.every((g) => g.document.startsWith(`${ORIGIN}/`))).toBe(true);
  const userGroup = r.groups.find((g) => g.directive === 'script-src-elem' && g.blocked === 'inline' && g.document === `${ORIGIN}/photos/:id`);
  expect(userGroup).toMatchObject({ count: 20, browsers: { Firefox: 20 }, source: `${ORIGIN}/photos/:id`.replace(':id', '8c1f0a2e-1111-2222-3333-444455556666') + ':8' });

  // The HTML shows hostile samples as text.
  const out = testInfo.outputPath('html');
  expect((await runCli(['reports', db, '--out', out])).code).toBe(0);
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  expect(html).not.toMatch(/<img src=x|<script>alert/);
});

test('kill -9 mid-flood: every report the collector acknowledged is still there after a restart', async ({}, testInfo) => {
  test.setTimeout(120_000);
  const db = testInfo.outputPath('crash.sqlite');
  const args = ['--db', db, '--origin', ORIGIN, '--rate', '100000', '--burst', '100000'];
  const c = await collector(args);
  const body = (i: number) => JSON.stringify(Array.from({ length: 10 }, (_, j) => ({
    type: 'csp-violation', url: `${ORIGIN}/albums`, body: { documentURL: `${ORIGIN}/albums`, blockedURL: `https://cdn${(i + j) % 20}.example/x.js`, effectiveDirective: 'script-src-elem', disposition: 'report' },
  })));
  let acknowledged = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const sent = pool(4000, 32, async (i) => {
    const status = await post(c.url, REPORTS, body(i), { agent });
    if (status === 204) acknowledged++;
    if (acknowledged === 1000) c.proc.kill('SIGKILL'); // mid-flood
    return status;
  });
  const statuses = await sent;
  agent.destroy();
  await c.stop('SIGKILL');
  expect(c.proc.signalCode).toBe('SIGKILL');
  expect(tally(statuses)[0], 'requests cut off by the kill').toBeGreaterThan(0);

  await collector(args);
  const r = await stored(db);
  testInfo.annotations.push({ type: 'durability', description: `${acknowledged * 10} reports acknowledged, ${r.totals.reports} stored` });
  expect(r.totals.reports).toBeGreaterThanOrEqual(acknowledged * 10);
  expect(r.totals.reports).toBeLessThanOrEqual(statuses.length * 10);
});

test('two collectors on one PostgreSQL add up; the reports outlive both', async ({}, testInfo) => {
  test.setTimeout(120_000);
  expect(postgresBin(), 'PostgreSQL is needed: apt-get install postgresql (scripts/setup.sh does it as root)').toBeTruthy();
  const pg = await startPostgres();
  try {
    const args = ['--db', pg.url, '--origin', ORIGIN];
    const [a, b] = [await collector(args), await collector(args)];
    const report = (blocked: string) => JSON.stringify({ 'csp-report': { 'document-uri': `${ORIGIN}/map`, 'blocked-uri': blocked, 'effective-directive': 'connect-src', disposition: 'report' } });
    const statuses = await pool(60, 8, (i) => post(i % 2 ? a.url : b.url, CSP, report(i % 3 ? 'https://tiles.immich.cloud/v1/a' : 'https://static.immich.cloud/b'), { headers: { 'user-agent': 'Mozilla/5.0 AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15' } }));
    expect(statuses).toEqual(new Array(60).fill(204));
    for (const c of running.splice(0)) await c.stop('SIGTERM');

    const r = await stored(pg.url);
    expect(r.groups.map((g) => [g.blocked, g.count, g.browsers.Safari])).toEqual([['https://tiles.immich.cloud', 40, 40], ['https://static.immich.cloud', 20, 20]]);
    const bad = await runCli(['reports', 'postgres://postgres@127.0.0.1:1/none', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^headerproof: postgres:\/\/127\.0\.0\.1:1\/none: cannot use this PostgreSQL database/);
    void testInfo;
  } finally {
    pg.stop();
  }
});

test('user mistakes get a clear error and exit 2, never a stack trace', async ({}, testInfo) => {
  // Eight CLI starts (each compiles the sources with tsx): several seconds each on a loaded 2-core machine.
  test.setTimeout(240_000);
  const db = testInfo.outputPath('x.sqlite');
  const cases: [string[], RegExp][] = [
    [['collect', '--db', db], /--origin: name the app's public origin/],
    [['collect', '--db', db, '--origin', 'photos.example.org'], /--origin: "photos.example.org" is not an origin/],
    [['collect', '--db', db, '--origin', ORIGIN, '--listen', '8787'], /--listen: "8787" is not host:port/],
    [['collect', '--db', db, '--origin', ORIGIN, '--keep', '5x'], /--keep: "5x" is not a duration/],
    [['collect', '--db', db, '--origin', ORIGIN, '--read', '0.0.0.0:0'], /off loopback it needs a token: set HEADERPROOF_READ_TOKEN/],
    [['reports', testInfo.outputPath('missing.sqlite')], /no such report database/],
    [['reports', path.join(import.meta.dirname, 'helpers.ts')], /not a headerproof report database/],
    [['export', 'policies/bundle-e.yaml', '--format', 'nginx', '--report-uri', '/__csp'], /--report-uri: "\/__csp" is not an absolute URL/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }
});

test('the read side: HTML and JSON on its own port, behind a token when one is set; the page can run nothing', async ({}, testInfo) => {
  const readPort = await freePort();
  const c = await collector(['--db', testInfo.outputPath('read.sqlite'), '--origin', ORIGIN, '--read', `127.0.0.1:${readPort}`], { HEADERPROOF_READ_TOKEN: 'read-token-123' });
  expect(await post(c.url, CSP, JSON.stringify({ 'csp-report': { 'document-uri': `${ORIGIN}/`, 'blocked-uri': 'eval', 'effective-directive': 'script-src', 'script-sample': '<svg onload=alert(1)>' } }))).toBe(204);
  const read = `http://127.0.0.1:${readPort}`;
  expect((await fetch(`${read}/`)).status).toBe(401);
  const auth = { headers: { authorization: 'Bearer read-token-123' } };
  const html = await fetch(`${read}/`, auth);
  expect(html.status).toBe(200);
  expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
  const text = await html.text();
  expect(text).toContain('&#60;svg onload=alert(1)&#62;');
  expect(text).not.toContain('<svg');
  const json = await (await fetch(`${read}/reports.json`, auth)).json() as ProductionReport;
  expect(json.groups.map((g) => [g.directive, g.blocked])).toEqual([['script-src', 'eval']]);
  expect(c.output()).not.toContain('read-token-123');

  // The Reporting API preflights its uploads: allowed for the configured origin only.
  const preflight = (origin: string) => fetch(`${c.url}/__csp`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
  const ok = await preflight(ORIGIN);
  expect(ok.status).toBe(204);
  expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  expect(ok.headers.get('access-control-allow-headers')).toBe('content-type');
  const foreign = await preflight('https://evil.example');
  expect(foreign.status).toBe(403);
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
});

test('behind an edge on this machine the rate limit is per user (the X-Forwarded-For the edge wrote), not per edge', async ({}, testInfo) => {
  const c = await collector(['--db', testInfo.outputPath('xff.sqlite'), '--origin', ORIGIN, '--burst', '1', '--rate', '1']);
  const report = JSON.stringify({ 'csp-report': { 'document-uri': `${ORIGIN}/`, 'blocked-uri': 'eval', 'effective-directive': 'script-src' } });
  const as = (client: string) => post(c.url, CSP, report, { headers: { 'x-forwarded-for': `198.51.100.9, ${client}` } });
  expect(await as('203.0.113.1')).toBe(204);
  expect(await as('203.0.113.1')).toBe(429); // that user's burst is spent
  expect(await as('203.0.113.2')).toBe(204); // another user behind the same edge is not
});
