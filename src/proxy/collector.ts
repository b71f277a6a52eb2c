// The report collector the proxy serves on REPORT_PATH. It accepts exactly the two formats browsers
// send, bounds body size and memory, and keeps raw reports for observe/ to normalize.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { REPORT_PATH } from './header-edits.js';

export interface RawReport {
  receivedAt: number;
  /** 'csp-report' (report-uri) or a Reporting API type such as 'csp-violation'. */
  type: string;
  /** The report body as the browser sent it (the inner object). */
  body: Record<string, unknown>;
  /** Document URL for Reporting API reports. */
  url?: string;
  /** The path it was posted to, when not the plain report path (a stacked member's, src/proxy/stack.ts). */
  path?: string;
}

export interface CollectorStats {
  accepted: number;
  rejected: number;
  dropped: number;
}

export const MAX_REPORT_BODY = 64 * 1024;
export const MAX_STORED_REPORTS = 10_000;

export class ReportCollector {
  private reports: RawReport[] = [];
  readonly stats: CollectorStats = { accepted: 0, rejected: 0, dropped: 0 };

  /** Returns and forgets every report received so far. */
  drain(): RawReport[] {
    const out = this.reports;
    this.reports = [];
    return out;
  }

  get size(): number {
    return this.reports.length;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const reply = (status: number, text: string) => {
      if (status >= 400) this.stats.rejected++;
      res.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      res.end(text);
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type' });
      res.end();
      return;
    }
    if (req.method !== 'POST') return reply(405, 'POST reports here');
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/csp-report' && type !== 'application/reports+json' && type !== 'application/json') {
      req.resume();
      return reply(400, 'expected application/csp-report or application/reports+json');
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_REPORT_BODY) {
      req.resume();
      return reply(413, `report body over ${MAX_REPORT_BODY} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REPORT_BODY) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (tooBig) return reply(413, `report body over ${MAX_REPORT_BODY} bytes`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, 'malformed JSON');
      }
      const reports = toReports(parsed);
      if (!reports) return reply(400, 'not a CSP report or a Reporting API report list');
      const path = (req.url ?? '').split('?')[0]!;
      for (const r of reports) {
        if (path !== REPORT_PATH) r.path = path;
        if (this.reports.length >= MAX_STORED_REPORTS) this.stats.dropped++;
        else {
          this.reports.push(r);
          this.stats.accepted++;
        }
      }
      reply(204, '');
    });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toReports(parsed: unknown): RawReport[] | null {
  const now = Date.now();
  if (isObject(parsed) && isObject(parsed['csp-report'])) {
    return [{ receivedAt: now, type: 'csp-report', body: parsed['csp-report'] }];
  }
  if (Array.isArray(parsed)) {
    const out: RawReport[] = [];
    for (const item of parsed) {
      if (!isObject(item) || typeof item.type !== 'string' || !isObject(item.body)) return null;
      out.push({ receivedAt: now, type: item.type, body: item.body, url: typeof item.url === 'string' ? item.url : undefined });
    }
    return out;
  }
  return null;
}
