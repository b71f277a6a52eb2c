// `headerproof audit URL`: the passive header checks of a ZAP baseline scan, on the URLs that
// matter for Immich, and — with a tested policy — the drift between what the edge serves and what
// was tested. Fetching is separate from judging: findings and drift are pure functions.
import mime from 'mime';
import { parseCsp, type CspDirectives } from '../policy/csp.js';
import type { Policy } from '../policy/policy.js';
import { policyApplies } from '../proxy/header-edits.js';
import { policyHeaders } from '../export/export.js';

export type UrlRole = 'html' | 'immutable-js' | 'api' | 'thumbnail' | 'video' | 'favicon';

export interface AuditedUrl {
  role: UrlRole;
  /** Path only: query strings (share keys) are never reported. */
  path: string;
  status: number;
  /** Lower-cased header name → values (repeated headers keep every value). */
  headers: Record<string, string[]>;
}

export interface AuditFinding {
  id: string;
  severity: 'high' | 'medium' | 'low' | 'info';
  roles: UrlRole[];
  message: string;
  fix: string;
}

export interface Drift {
  role: UrlRole;
  path: string;
  header: string;
  expected: string | null;
  actual: string | null;
}

export interface AuditResult {
  target: string;
  urls: AuditedUrl[];
  skipped: { role: UrlRole; why: string }[];
  findings: AuditFinding[];
  drift?: Drift[];
}

const first = (u: AuditedUrl, name: string): string | undefined => u.headers[name]?.[0];

export function auditFindings(urls: AuditedUrl[], https: boolean): AuditFinding[] {
  const out: AuditFinding[] = [];
  const html = urls.filter((u) => u.role === 'html');
  const add = (f: AuditFinding) => f.roles.length && out.push(f);
  const missing = (list: AuditedUrl[], name: string) => [...new Set(list.filter((u) => !u.headers[name]).map((u) => u.role))];

  if (https) add({ id: 'hsts-missing', severity: 'medium', roles: missing(html, 'strict-transport-security'), message: 'Strict-Transport-Security is not set', fix: 'bundle B: Strict-Transport-Security: max-age=86400 (no includeSubDomains/preload yet)' });
  else if (html.length) out.push({ id: 'hsts-plain-http', severity: 'info', roles: ['html'], message: 'the target is plain HTTP: HSTS cannot apply until it is served over HTTPS', fix: 'terminate TLS at the edge first' });
  add({
    id: 'clickjacking', severity: 'medium',
    roles: [...new Set(html.filter((u) => !u.headers['x-frame-options'] && !(u.headers['content-security-policy'] ?? []).some((v) => /frame-ancestors/.test(v))).map((u) => u.role))],
    message: 'no anti-clickjacking header (X-Frame-Options or CSP frame-ancestors)', fix: "bundle A: CSP frame-ancestors 'self' and X-Frame-Options: SAMEORIGIN",
  });
  add({ id: 'nosniff-missing', severity: 'low', roles: [...new Set(urls.filter((u) => (first(u, 'x-content-type-options') ?? '').toLowerCase() !== 'nosniff').map((u) => u.role))], message: 'X-Content-Type-Options: nosniff is missing', fix: 'bundle A: X-Content-Type-Options: nosniff' });
  add({ id: 'csp-missing', severity: 'medium', roles: missing(html, 'content-security-policy').filter(() => html.every((u) => !u.headers['content-security-policy-report-only'])), message: 'no Content-Security-Policy', fix: 'bundle E: start with a report-only CSP' });
  add({ id: 'csp-report-only', severity: 'info', roles: [...new Set(html.filter((u) => !u.headers['content-security-policy'] && u.headers['content-security-policy-report-only']).map((u) => u.role))], message: 'the CSP is report-only: it blocks nothing yet', fix: 'enforce it once report-only runs are clean' });
  add({ id: 'two-csps', severity: 'medium', roles: [...new Set(urls.filter((u) => (u.headers['content-security-policy']?.length ?? 0) > 1).map((u) => u.role))], message: 'two Content-Security-Policy headers: both are enforced, only what both allow works (often the app\'s own plus the edge\'s)', fix: 'remove the app\'s CSP at the edge (proxy_hide_header / customResponseHeaders: "") or merge them' });
  add({ id: 'permissions-policy-missing', severity: 'low', roles: missing(html, 'permissions-policy'), message: 'no Permissions-Policy', fix: 'bundle C' });
  add({
    id: 'corp-missing-or-invalid', severity: 'low',
    roles: [...new Set(urls.filter((u) => !['same-origin', 'same-site', 'cross-origin'].includes((first(u, 'cross-origin-resource-policy') ?? '').trim().toLowerCase())).map((u) => u.role))],
    message: 'Cross-Origin-Resource-Policy is missing or invalid', fix: 'bundle D: Cross-Origin-Resource-Policy: same-origin (or same-site)',
  });
  add({ id: 'x-powered-by', severity: 'low', roles: [...new Set(urls.filter((u) => u.headers['x-powered-by']).map((u) => u.role))], message: `X-Powered-By leaks the implementation (${urls.find((u) => u.headers['x-powered-by'])?.headers['x-powered-by']?.[0] ?? ''})`, fix: 'bundle A: remove X-Powered-By at the edge' });
  add({ id: 'html-cacheable', severity: 'info', roles: [...new Set(html.filter((u) => !/no-store|no-cache|private/i.test(first(u, 'cache-control') ?? '')).map((u) => u.role))], message: 'the HTML shell may be cached by shared caches', fix: 'Cache-Control: no-store on the HTML (if the app sends it, keep it at the edge)' });
  const favicon = urls.find((u) => u.role === 'favicon');
  if (favicon && favicon.status < 400) {
    const served = (first(favicon, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const expected = mime.getType(favicon.path) ?? 'image/vnd.microsoft.icon';
    if (!served.startsWith('image/')) out.push({ id: 'favicon-content-type', severity: 'low', roles: ['favicon'], message: `favicon.ico is served as "${served || '(none)'}", not an image type`, fix: `serve it as ${expected}` });
    else if (served !== expected && !(expected === 'image/vnd.microsoft.icon' && served === 'image/x-icon')) out.push({ id: 'favicon-content-type', severity: 'info', roles: ['favicon'], message: `favicon.ico is served as ${served}; its registered type is ${expected}`, fix: `serve it as ${expected}` });
  }
  return out;
}

const norm = (v: string) => v.trim().replace(/\s+/g, ' ').toLowerCase();

function sameCsp(expected: CspDirectives, actualValue: string): boolean {
  // report-uri/report-to and 'report-sample' change what is reported, never what is allowed.
  // report-uri/report-to and 'report-sample' change what is reported, never what is allowed.
  const strip = (d: CspDirectives) => Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'report-uri' && k !== 'report-to').map(([k, v]) => [k, v.filter((s) => s !== "'report-sample'").sort()]));
  const a = strip(expected);
  const b = strip(parseCsp(actualValue));
  return JSON.stringify(Object.keys(a).sort().map((k) => [k, a[k]])) === JSON.stringify(Object.keys(b).sort().map((k) => [k, b[k]]));
}

/** Every header the deployed edge serves differently from the tested policy, per URL in scope. */
export function headerDrift(urls: AuditedUrl[], policy: Policy): Drift[] {
  const { set, remove } = policyHeaders(policy);
  const drift: Drift[] = [];
  for (const u of urls.filter((x) => policyApplies(policy, x.path))) {
    for (const [name, expected] of set) {
      const values = u.headers[name.toLowerCase()];
      const actual = values?.join(', ') ?? null;
      const isCsp = name.toLowerCase().startsWith('content-security-policy');
      const equal = values?.length === 1 && (isCsp && policy.csp ? sameCsp(policy.csp.directives, values[0]!) : norm(values[0]!) === norm(expected));
      if (!equal) drift.push({ role: u.role, path: u.path, header: name, expected, actual });
    }
    // `remove` leaves out headers the policy removes from the app and then sets itself.
    for (const name of remove) {
      const values = u.headers[name.toLowerCase()];
      if (values) drift.push({ role: u.role, path: u.path, header: name, expected: null, actual: values.join(', ') });
    }
  }
  return drift;
}
