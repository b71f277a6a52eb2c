// `headerproof collect`: the report endpoint real browsers post to during a report-only rollout.
// The ingest port faces the internet (through the edge) and only takes reports: any path, POST,
// with the CORS preflight the Reporting API needs. Reading happens on a second port, loopback only
// unless a token guards it.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ingest, IngestError } from './ingest.js';
import { RateLimiter } from './rate-limit.js';
import { BatchWriter } from './writer.js';
import type { ReportStore } from './store.js';
import { productionJson, renderProductionHtml } from './report.js';
import { MAX_REPORT_BODY } from '../proxy/collector.js';

export interface CollectorOptions {
  store: ReportStore;
  /** Origins whose pages' reports are kept, e.g. https://photos.example.org */
  origins: string[];
  host?: string;
  port?: number;
  /** Take the client address from the last X-Forwarded-For entry (the edge's), for rate limiting. */
  trustForwarded?: boolean;
  rate?: { burst: number; perSecond: number; maxClients: number };
  /** Also serve the HTML/JSON view here. */
  read?: { host: string; port: number; token?: string };
  /** Delete groups not seen for this long (ms), at start and every hour. */
  keepMs?: number;
}

export interface CollectorStats {
  requests: number;
  reportsAccepted: number;
  refused: Record<number, number>;
}

export interface Collector {
  url: string;
  readUrl?: string;
  stats: CollectorStats;
  writer: BatchWriter;
  close(): Promise<void>;
}

/** A loopback host or peer address (an IPv4-mapped one included). */
export const isLoopback = (host: string) => /^(127\.|::1$|localhost$|::ffff:127\.)/.test(host);

export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const origins = new Set(options.origins.map((o) => new URL(o).origin));
  const limiter = new RateLimiter(options.rate ?? { burst: 200, perSecond: 20, maxClients: 10_000 });
  const writer = new BatchWriter(options.store);
  const stats: CollectorStats = { requests: 0, reportsAccepted: 0, refused: {} };

  // Behind an edge every report comes from the edge's address: the client is the last
  // X-Forwarded-For entry (the one the edge wrote). Trusted when asked to, or when the edge is on
  // this machine (a loopback peer: nobody else can connect from there).
  const clientOf = (req: IncomingMessage) => {
    const peer = req.socket.remoteAddress ?? 'unknown';
    const trusted = options.trustForwarded || isLoopback(peer);
    const forwarded = trusted ? String(req.headers['x-forwarded-for'] ?? '').split(',').pop()?.trim() : '';
    return forwarded || peer;
  };

  let warnedCredentials = false;
  const ingestServer = http.createServer((req, res) => {
    stats.requests++;
    // A same-origin report-uri POST carries the user's cookies (Immich's session token); the
    // exported edge route strips them. Say so once if this edge does not; they are never stored.
    if (!warnedCredentials && (req.headers.cookie || req.headers.authorization)) {
      warnedCredentials = true;
      console.warn('headerproof collect: reports arrive with Cookie/Authorization headers (users\' session tokens); they are not stored, but make the edge strip them (see headerproof export --report-uri)');
    }
    const origin = String(req.headers.origin ?? '');
    const cors: Record<string, string> = origins.has(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
    const reply = (status: number, message = '', extra: Record<string, string> = {}) => {
      if (status >= 400) stats.refused[status] = (stats.refused[status] ?? 0) + 1;
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...cors, ...extra });
      res.end(message ? `${message}\n` : '');
    };
    if (req.method === 'OPTIONS') {
      // The Reporting API preflights its cross-origin uploads (Content-Type application/reports+json).
      if (!cors['access-control-allow-origin']) return reply(403, 'reports are accepted only from the configured origins');
      return reply(204, '', { 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '86400' });
    }
    if (req.method !== 'POST') {
      req.resume();
      return reply(405, 'this port only accepts reports (POST); read them with "headerproof reports" or on the read port', { allow: 'POST, OPTIONS' });
    }
    if (Number(req.headers['content-length'] ?? 0) > MAX_REPORT_BODY) {
      req.resume();
      return reply(413, `a report body may be ${MAX_REPORT_BODY} bytes at most`, { connection: 'close' });
    }
    if (!limiter.take(clientOf(req))) {
      req.resume();
      return reply(429, 'too many reports from this client; slow down', { 'retry-after': '1' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REPORT_BODY) {
        reply(413, `a report body may be ${MAX_REPORT_BODY} bytes at most`, { connection: 'close' });
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (size > MAX_REPORT_BODY) return;
      let result;
      try {
        result = ingest(String(req.headers['content-type'] ?? ''), Buffer.concat(chunks).toString('utf8'), { origins, userAgent: req.headers['user-agent'], requestOrigin: origin || undefined });
      } catch (err) {
        if (err instanceof IngestError) return reply(err.status, err.message);
        throw err;
      }
      const committed = writer.submit(result);
      if (!committed) return reply(503, 'busy; retry later', { 'retry-after': '1' });
      committed.then(() => {
        stats.reportsAccepted += result.entries.length;
        reply(204);
      }, (err: Error) => {
        console.error(`headerproof collect: could not store reports: ${err.message}`);
        reply(500, 'could not store the report');
      });
    });
  });
  ingestServer.headersTimeout = 10_000;
  ingestServer.requestTimeout = 15_000;
  ingestServer.maxHeadersCount = 50;

  const listen = (server: http.Server, host: string, port: number) => new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
    });
  });

  let readServer: http.Server | undefined;
  let readUrl: string | undefined;
  if (options.read) {
    const { token } = options.read;
    readServer = http.createServer((req, res) => void serveRead(req, res, options.store, token));
    readUrl = await listen(readServer, options.read.host, options.read.port);
  }
  const url = await listen(ingestServer, options.host ?? '127.0.0.1', options.port ?? 0);

  let pruneTimer: NodeJS.Timeout | undefined;
  if (options.keepMs) {
    const prune = () => options.store.prune(Date.now() - options.keepMs!).catch((err: Error) => console.error(`headerproof collect: retention: ${err.message}`));
    await prune();
    pruneTimer = setInterval(prune, 3_600_000).unref();
  }

  return {
    url,
    readUrl,
    stats,
    writer,
    async close() {
      clearInterval(pruneTimer);
      await new Promise<void>((resolve) => ingestServer.close(() => resolve()));
      ingestServer.closeAllConnections();
      if (readServer) {
        readServer.closeAllConnections();
        await new Promise<void>((resolve) => readServer!.close(() => resolve()));
      }
      await writer.drain();
    },
  };
}

async function serveRead(req: IncomingMessage, res: ServerResponse, store: ReportStore, token?: string): Promise<void> {
  const send = (status: number, type: string, body: string) => {
    // The page shows what browsers sent: nothing in it may run, load or be framed.
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'", 'referrer-policy': 'no-referrer' });
    res.end(body);
  };
  if (token && req.headers.authorization !== `Bearer ${token}`) return send(401, 'text/plain', 'Authorization: Bearer <read token> required\n');
  if (req.method !== 'GET') return send(405, 'text/plain', 'GET only\n');
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  try {
    const contents = await store.contents();
    if (path === '/reports.json') return send(200, 'application/json', JSON.stringify(productionJson(contents), null, 2));
    if (path === '/') return send(200, 'text/html; charset=utf-8', renderProductionHtml(contents));
    send(404, 'text/plain', 'try / or /reports.json\n');
  } catch (err) {
    send(500, 'text/plain', `could not read the store: ${(err as Error).message}\n`);
  }
}
