// The collect and reports commands: options checked once with a clear error, then the collector
// (src/collect/server.ts) or the stored reports' view.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openStore, DEFAULT_MAX_GROUPS } from '../collect/store.js';
import { isLoopback, startCollector } from '../collect/server.js';
import { productionJson, renderProductionHtml, renderProductionText } from '../collect/report.js';
import { UsageError } from '../run/run.js';

export interface CollectFlags {
  db: string;
  listen: string;
  origin?: string[];
  read?: string;
  keep: string;
  maxGroups: string;
  rate: string;
  burst: string;
  trustForwarded?: boolean;
}

/** "127.0.0.1:8787" → host and port, or a UsageError naming the flag. */
export function hostPort(flag: string, value: string): { host: string; port: number } {
  const m = /^(\[[0-9a-f:]+\]|[^:\s]+):(\d{1,5})$/i.exec(value);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`${flag}: "${value}" is not host:port (e.g. 127.0.0.1:8787)`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

/** "30d", "12h" → milliseconds. */
export function duration(flag: string, value: string): number {
  const m = /^(\d{1,5})([dh])$/.exec(value);
  if (!m || Number(m[1]) === 0) throw new UsageError(`${flag}: "${value}" is not a duration such as 30d or 12h`);
  return Number(m[1]) * (m[2] === 'd' ? 86_400_000 : 3_600_000);
}

function positive(flag: string, value: string, max: number): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1 || Number(value) > max) throw new UsageError(`${flag}: a number from 1 to ${max}`);
  return Number(value);
}

export async function collectCommand(flags: CollectFlags): Promise<void> {
  if (!flags.origin?.length) throw new UsageError('--origin: name the app\'s public origin(s) whose reports to keep, e.g. --origin https://photos.example.org');
  const origins = flags.origin.map((o) => {
    try {
      const u = new URL(o);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
      return u.origin;
    } catch {
      throw new UsageError(`--origin: "${o}" is not an origin such as https://photos.example.org`);
    }
  });
  const listen = hostPort('--listen', flags.listen);
  const read = flags.read ? hostPort('--read', flags.read) : undefined;
  const token = process.env.HEADERPROOF_READ_TOKEN;
  if (read && !isLoopback(read.host) && !token) {
    throw new UsageError(`--read ${flags.read}: the read side shows what your users' browsers reported; off loopback it needs a token: set HEADERPROOF_READ_TOKEN`);
  }
  const keepMs = duration('--keep', flags.keep);
  const maxGroups = positive('--max-groups', flags.maxGroups, 10_000_000);
  const rate = { perSecond: positive('--rate', flags.rate, 100_000), burst: positive('--burst', flags.burst, 1_000_000), maxClients: 10_000 };
  const store = await openStore(flags.db, { maxGroups });
  const collector = await startCollector({ store, origins, host: listen.host, port: listen.port, read: read && { ...read, token }, keepMs, rate, trustForwarded: flags.trustForwarded });
  if (!isLoopback(listen.host)) console.warn(`headerproof collect: the ingest port listens on ${listen.host}, not only loopback (usually the edge forwards to it)`);
  console.log(`collecting reports about ${origins.join(', ')} on ${collector.url} (any path, POST)`);
  console.log(`stored in ${/^postgres/i.test(flags.db) ? flags.db.replace(/\/\/[^@/]*@/, '//') : path.resolve(flags.db)}; groups unseen for ${flags.keep} are deleted`);
  if (collector.readUrl) console.log(`read them at ${collector.readUrl}/ (HTML) and ${collector.readUrl}/reports.json${token ? ' with Authorization: Bearer $HEADERPROOF_READ_TOKEN' : ''}`);
  console.log('Ctrl-C to stop');
  await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  await collector.close();
  await store.close();
  const refused = Object.entries(collector.stats.refused).map(([s, n]) => `${n}×${s}`).join(', ');
  console.log(`stopped: ${collector.stats.requests} requests, ${collector.stats.reportsAccepted} reports stored${refused ? `, refused ${refused}` : ''}, ${collector.writer.totals.overflow} past the group cap`);
}

export async function reportsCommand(db: string, opts: { json?: boolean; out?: string }): Promise<void> {
  const store = await openStore(db, { readOnly: true, maxGroups: DEFAULT_MAX_GROUPS });
  try {
    const contents = await store.contents();
    if (opts.out) {
      mkdirSync(opts.out, { recursive: true });
      writeFileSync(path.join(opts.out, 'index.html'), renderProductionHtml(contents));
      writeFileSync(path.join(opts.out, 'reports.json'), `${JSON.stringify(productionJson(contents), null, 2)}\n`);
    }
    if (opts.json) process.stdout.write(`${JSON.stringify(productionJson(contents), null, 2)}\n`);
    else process.stdout.write(renderProductionText(contents) + (opts.out ? `report: ${path.join(opts.out, 'index.html')}\n` : ''));
  } finally {
    await store.close();
  }
}
