// From a report body a real browser POSTed to a production endpoint to the entries the collector
// stores. Pure. Everything here is untrusted: bodies are validated with zod, only reports about the
// operator's own origins are kept, URLs lose query, fragment and user info, ids and keys in paths
// become placeholders, secrets are masked, and reports caused by browser extensions are set aside.
import { z } from 'zod';
import { redact } from '../observe/violation.js';

/** One report as stored: the group key fields plus what is counted per group. */
export interface ReportEntry {
  kind: 'csp' | 'permissions-policy' | 'corp' | 'integrity-policy';
  /** CSP effective directive, Permissions-Policy feature, or COEP/CORP report type. */
  directive: string;
  /** The blocked origin, or a kind: inline, eval, wasm-eval, data, blob, … ('' for features). */
  blocked: string;
  /** The page's origin and path pattern, e.g. https://photos.example.org/photos/:id */
  document: string;
  /** Script URL (no query) and line, where the browser said. */
  source: string;
  disposition: 'enforce' | 'report';
  /** Script sample or message, masked and cut short. */
  sample: string;
  /** Chrome, Edge, Firefox, Safari, Samsung Internet, Opera or Other. */
  browser: string;
}

/** Why reports were not stored; counted per day so the operator sees what was dropped. */
export type DropReason = 'foreign-origin' | 'extension' | 'unknown-type';

export interface IngestResult {
  entries: ReportEntry[];
  dropped: Partial<Record<DropReason, number>>;
}

export class IngestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const text = (max: number) => z.string().max(max);
const lineOrColumn = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{0,9}$/)]).optional();

// report-uri: {"csp-report": {...}} (application/csp-report). Chromium, Firefox and Safari all send it.
const CspReportUri = z.object({
  'csp-report': z.object({
    'document-uri': text(4096),
    'blocked-uri': text(4096).optional(),
    'effective-directive': text(128).optional(),
    'violated-directive': text(4096).optional(),
    'source-file': text(4096).optional(),
    'line-number': lineOrColumn,
    'column-number': lineOrColumn,
    'script-sample': text(4096).optional(),
    disposition: z.enum(['enforce', 'report']).optional(),
  }),
});

// Reporting API: a list of {type, url, body} (application/reports+json).
const ReportingList = z.array(z.object({
  type: text(64),
  url: text(4096),
  user_agent: text(1024).optional(),
  body: z.record(z.string(), z.unknown()),
})).min(1).max(1000);

const CspViolationBody = z.object({
  documentURL: text(4096).optional(),
  blockedURL: text(4096).optional(),
  effectiveDirective: text(128),
  sourceFile: text(4096).nullish(),
  lineNumber: lineOrColumn.nullable(),
  sample: text(4096).nullish(),
  disposition: z.enum(['enforce', 'report']).optional(),
});

const PermissionsPolicyBody = z.object({
  featureId: text(128),
  sourceFile: text(4096).nullish(),
  lineNumber: lineOrColumn.nullable(),
  message: text(4096).nullish(),
  disposition: z.enum(['enforce', 'report']).optional(),
});

// COEP reports carry the CORP blocks a Cross-Origin-Embedder-Policy causes.
const CoepBody = z.object({
  type: text(64),
  blockedURL: text(4096),
  disposition: z.enum(['enforce', 'reporting', 'report']).optional(),
});

// Integrity-Policy reports (Chromium 138+, Firefox 145+ when the policy names an endpoint): a
// script or style loaded without integrity metadata.
const IntegrityBody = z.object({
  documentURL: text(4096).nullish(),
  blockedURL: text(4096),
  destination: text(32),
  reportOnly: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
});

const EXTENSION_SCHEMES = /^(chrome|moz|safari|safari-web|ms-browser)-extension:/i;

/** The browser family from a User-Agent string. */
export function browserFamily(ua: string | undefined): string {
  const s = ua ?? '';
  if (/\bEdg(e|A|iOS)?\//.test(s)) return 'Edge';
  if (/\bOPR\/|\bOpera\b/.test(s)) return 'Opera';
  if (/SamsungBrowser\//.test(s)) return 'Samsung Internet';
  if (/\bFirefox\/|\bFxiOS\//.test(s)) return 'Firefox';
  if (/Chrom(e|ium)\/|\bCriOS\//.test(s)) return 'Chrome'; // HeadlessChrome too
  if (/\bVersion\/[\d.]+.*Safari\//.test(s)) return 'Safari';
  return 'Other';
}

/**
 * A page path with the parts that name one asset, album, user or share key replaced by
 * placeholders, so /photos/<uuid> from a thousand users is one group and no key is stored.
 */
export function pathPattern(pathname: string): string {
  return pathname.split('/').map((seg) => {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seg)) return ':id';
    if (/^\d+$/.test(seg)) return ':n';
    if (seg.length >= 16 && /^[A-Za-z0-9_-]+$/.test(seg) && /\d/.test(seg) && /[A-Za-z]/.test(seg)) return ':key';
    return seg.slice(0, 80);
  }).join('/').slice(0, 300);
}

/** Origin plus path, without user info, query or fragment; '' when not an http(s) URL. */
function cleanUrl(raw: string | null | undefined): { origin: string; path: string } | undefined {
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'ws:' && u.protocol !== 'wss:') return undefined;
    return { origin: u.origin, path: u.pathname };
  } catch {
    return undefined;
  }
}

/**
 * The page a report is about. A blob: worker's reports (maplibre's tile worker on the real Immich
 * v1.135.3 map) name the worker's blob: URL: they belong to the origin inside it, as page "/(blob)".
 */
function documentOf(raw: string | undefined, requestOrigin: string | undefined): { origin: string; path: string } | undefined {
  if (raw && /^blob:https?:\/\//i.test(raw)) {
    const inner = cleanUrl(raw.slice(5));
    return inner && { origin: inner.origin, path: '/(blob)' };
  }
  // Chromium's report-uri body says only "blob" there; the request's Origin header names the page's.
  if (raw === 'blob') {
    const origin = cleanUrl(requestOrigin);
    return origin && { origin: origin.origin, path: '/(blob)' };
  }
  return cleanUrl(raw);
}

/** A blocked URL as a group key: its origin, or the kind of thing blocked. */
function blockedKey(raw: string | undefined): string {
  const b = (raw ?? '').trim();
  if (!b) return '';
  if (/^(inline|eval|wasm-eval|self|trusted-types-policy|trusted-types-sink)$/i.test(b)) return b.toLowerCase();
  const url = cleanUrl(b);
  if (url) return url.origin;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(b)?.[1];
  return (scheme ?? b).toLowerCase().slice(0, 40);
}

function sourceKey(file: string | null | undefined, line: string | number | null | undefined): string {
  const url = cleanUrl(file);
  if (!url) return '';
  const n = line === undefined || line === null || line === '' || Number(line) === 0 ? '' : `:${Number(line)}`;
  return `${url.origin}${url.path.slice(0, 300)}${n}`;
}

// Script samples are the first characters of a page's own code: mask anything that looks like a
// credential assignment too, not only the URL parameters and headers redact() knows.
const ASSIGNED_SECRET = /\b((?:password|passwd|secret|token|access_token|api[_-]?key|key|sessionid)\s*[=:]\s*["']?)[^\s"'&;,]+/gi;
const sample = (s: string | null | undefined) => redact(String(s ?? '').replace(/\s+/g, ' ').trim()).replace(ASSIGNED_SECRET, '$1[redacted]').slice(0, 120);

interface Context {
  /** Origins whose pages' reports are kept, e.g. https://photos.example.org */
  origins: ReadonlySet<string>;
  /** The request's User-Agent (report-uri bodies carry none). */
  userAgent?: string;
  /** The request's Origin header: the page's origin when the body does not say (worker reports). */
  requestOrigin?: string;
}

/**
 * Validates a report body and turns it into entries. Throws IngestError (400/415) for anything that
 * is not a report a browser sends.
 */
export function ingest(contentType: string, body: string, ctx: Context): IngestResult {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (!['application/csp-report', 'application/reports+json', 'application/json'].includes(type)) {
    throw new IngestError(415, 'expected Content-Type application/csp-report (report-uri) or application/reports+json (Reporting API)');
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new IngestError(400, 'the body is not JSON');
  }
  const result: IngestResult = { entries: [], dropped: {} };
  const drop = (why: DropReason) => (result.dropped[why] = (result.dropped[why] ?? 0) + 1);
  const keep = (entry: ReportEntry | undefined, documentUrl: string | undefined, blockedRaw: string | undefined, sourceRaw: string | null | undefined) => {
    const doc = documentOf(documentUrl, ctx.requestOrigin);
    if (!doc || !ctx.origins.has(doc.origin)) return drop('foreign-origin');
    if (EXTENSION_SCHEMES.test(blockedRaw ?? '') || EXTENSION_SCHEMES.test(sourceRaw ?? '')) return drop('extension');
    if (entry) result.entries.push({ ...entry, document: doc.origin + pathPattern(doc.path) });
  };

  const uri = CspReportUri.safeParse(json);
  if (uri.success) {
    const r = uri.data['csp-report'];
    keep({
      kind: 'csp',
      directive: (r['effective-directive'] || r['violated-directive']?.split(' ')[0] || '').toLowerCase(),
      blocked: blockedKey(r['blocked-uri']),
      document: '',
      source: sourceKey(r['source-file'], r['line-number']),
      disposition: r.disposition === 'report' ? 'report' : 'enforce',
      sample: sample(r['script-sample']),
      browser: browserFamily(ctx.userAgent),
    }, r['document-uri'], r['blocked-uri'], r['source-file']);
    return result;
  }
  const list = ReportingList.safeParse(json);
  if (!list.success) throw new IngestError(400, 'not a CSP report ({"csp-report": {...}}) or a Reporting API list ([{type, url, body}])');
  for (const item of list.data) {
    const browser = browserFamily(item.user_agent ?? ctx.userAgent);
    if (item.type === 'csp-violation') {
      const b = CspViolationBody.safeParse(item.body);
      if (!b.success) throw new IngestError(400, 'a csp-violation report without effectiveDirective');
      keep({
        kind: 'csp', directive: b.data.effectiveDirective.toLowerCase(), blocked: blockedKey(b.data.blockedURL), document: '',
        source: sourceKey(b.data.sourceFile, b.data.lineNumber), disposition: b.data.disposition === 'report' ? 'report' : 'enforce',
        sample: sample(b.data.sample), browser,
      }, b.data.documentURL || item.url, b.data.blockedURL, b.data.sourceFile);
    } else if (item.type === 'permissions-policy-violation') {
      const b = PermissionsPolicyBody.safeParse(item.body);
      if (!b.success) throw new IngestError(400, 'a permissions-policy-violation report without featureId');
      keep({
        kind: 'permissions-policy', directive: b.data.featureId, blocked: '', document: '',
        source: sourceKey(b.data.sourceFile, b.data.lineNumber), disposition: b.data.disposition === 'report' ? 'report' : 'enforce',
        sample: sample(b.data.message), browser,
      }, item.url, undefined, b.data.sourceFile);
    } else if (item.type === 'coep') {
      const b = CoepBody.safeParse(item.body);
      if (!b.success) throw new IngestError(400, 'a coep report without type and blockedURL');
      keep({
        kind: 'corp', directive: b.data.type, blocked: blockedKey(b.data.blockedURL), document: '', source: '',
        disposition: b.data.disposition === 'enforce' ? 'enforce' : 'report', sample: '', browser,
      }, item.url, b.data.blockedURL, undefined);
    } else if (item.type === 'integrity-violation') {
      const b = IntegrityBody.safeParse(item.body);
      if (!b.success) throw new IngestError(400, 'an integrity-violation report without blockedURL and destination');
      keep({
        kind: 'integrity-policy', directive: b.data.destination.toLowerCase(), blocked: blockedKey(b.data.blockedURL), document: '', source: '',
        disposition: b.data.reportOnly === true || b.data.reportOnly === 'true' ? 'report' : 'enforce', sample: '', browser,
      }, b.data.documentURL || item.url, b.data.blockedURL, undefined);
    } else {
      drop('unknown-type'); // deprecation, intervention, crash…: not about headers
    }
  }
  return result;
}
