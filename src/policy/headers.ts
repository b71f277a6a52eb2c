// Which response headers a policy may set, and the values each accepts. Checked once at load
// time (like helmet validates its options) so a typo fails loudly instead of silently doing nothing.

export interface HeaderRule {
  /** Canonical spelling. */
  name: string;
  /** Returns why the value is not allowed, or null. */
  check?: (value: string) => string | null;
}

const oneOf = (...allowed: string[]) => (value: string) =>
  allowed.some((a) => a.toLowerCase() === value.trim().toLowerCase())
    ? null
    : `must be one of: ${allowed.join(', ')}`;

const REFERRER_TOKENS = [
  'no-referrer', 'no-referrer-when-downgrade', 'origin', 'origin-when-cross-origin', 'same-origin',
  'strict-origin', 'strict-origin-when-cross-origin', 'unsafe-url',
];

/**
 * Integrity-Policy (Chrome 138, Firefox 145): a structured dictionary such as
 * `blocked-destinations=(script), endpoints=(ep)`. Scripts (and styles) without `integrity` are
 * blocked, or reported with the -Report-Only twin.
 */
function checkIntegrityPolicy(value: string): string | null {
  const KEYS: Record<string, readonly string[] | null> = { 'blocked-destinations': ['script', 'style'], sources: ['inline'], endpoints: null };
  const seen = new Set<string>();
  for (const member of value.split(',').map((m) => m.trim()).filter(Boolean)) {
    const m = /^([a-z-]+)=\(([^()]*)\)$/.exec(member);
    if (!m) return `must look like "blocked-destinations=(script)" (members key=(items), separated by commas); "${member}" is not`;
    const allowed = KEYS[m[1]!];
    if (allowed === undefined) return `unknown member "${m[1]}"; allowed: ${Object.keys(KEYS).join(', ')}`;
    const items = m[2]!.trim().split(/\s+/).filter(Boolean);
    const bad = allowed ? items.find((i) => !allowed.includes(i)) : items.find((i) => !/^[A-Za-z0-9_-]+$/.test(i));
    if (bad) return `"${bad}" is not allowed in ${m[1]}${allowed ? ` (allowed: ${allowed.join(', ')})` : ' (endpoint names: letters, digits, - and _)'}`;
    seen.add(m[1]!);
  }
  return seen.has('blocked-destinations') ? null : 'needs blocked-destinations, e.g. "blocked-destinations=(script)"';
}

/** Document-Isolation-Policy (Chrome 137): cross-origin isolation for one document, optionally reporting. */
const checkDocumentIsolation = (value: string) =>
  /^\s*(isolate-and-require-corp|isolate-and-credentialless|none)\s*(;\s*report-to="[A-Za-z0-9_-]+"\s*)?$/.test(value)
    ? null
    : 'must be isolate-and-require-corp, isolate-and-credentialless or none, optionally followed by ; report-to="<endpoint>"';

/** Reporting-Endpoints: `name="https://…"` entries separated by commas. headerproof adds its own two. */
const checkReportingEndpoints = (value: string) => {
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_-]+)="([^"]+)"$/.exec(entry);
    if (!m) return `must list name="url" entries separated by commas; "${entry}" is not one`;
    if (m[1] === 'headerproof') return 'the endpoint name "headerproof" is headerproof\'s own; pick another';
  }
  return null;
};

const RULES: HeaderRule[] = [
  {
    name: 'Strict-Transport-Security',
    check: (v) =>
      /^\s*max-age=\d+\s*(;\s*includeSubDomains\s*)?(;\s*preload\s*)?$/i.test(v)
        ? null
        : 'must look like "max-age=<seconds>" optionally followed by "; includeSubDomains" and "; preload"',
  },
  { name: 'X-Content-Type-Options', check: oneOf('nosniff') },
  { name: 'X-Frame-Options', check: oneOf('DENY', 'SAMEORIGIN') },
  {
    name: 'Referrer-Policy',
    check: (v) => {
      const bad = v.split(',').map((t) => t.trim()).filter((t) => !REFERRER_TOKENS.includes(t));
      return bad.length ? `unknown token "${bad[0]}"; allowed: ${REFERRER_TOKENS.join(', ')}` : null;
    },
  },
  { name: 'Permissions-Policy' },
  { name: 'Permissions-Policy-Report-Only' },
  { name: 'Cross-Origin-Resource-Policy', check: oneOf('same-origin', 'same-site', 'cross-origin') },
  { name: 'Cross-Origin-Opener-Policy', check: oneOf('same-origin', 'same-origin-allow-popups', 'unsafe-none', 'noopener-allow-popups') },
  { name: 'Cross-Origin-Opener-Policy-Report-Only', check: oneOf('same-origin', 'same-origin-allow-popups', 'unsafe-none', 'noopener-allow-popups') },
  { name: 'Cross-Origin-Embedder-Policy', check: oneOf('require-corp', 'credentialless', 'unsafe-none') },
  { name: 'Cross-Origin-Embedder-Policy-Report-Only', check: oneOf('require-corp', 'credentialless', 'unsafe-none') },
  { name: 'Integrity-Policy', check: checkIntegrityPolicy },
  { name: 'Integrity-Policy-Report-Only', check: checkIntegrityPolicy },
  { name: 'Document-Isolation-Policy', check: checkDocumentIsolation },
  { name: 'Document-Isolation-Policy-Report-Only', check: checkDocumentIsolation },
  { name: 'Reporting-Endpoints', check: checkReportingEndpoints },
  { name: 'X-Permitted-Cross-Domain-Policies', check: oneOf('none', 'master-only', 'by-content-type', 'all') },
  { name: 'X-DNS-Prefetch-Control', check: oneOf('on', 'off') },
  { name: 'Origin-Agent-Cluster', check: oneOf('?1', '?0') },
  { name: 'X-XSS-Protection' },
  { name: 'X-Robots-Tag' },
  { name: 'Cache-Control' },
  { name: 'Server' },
  { name: 'X-Powered-By' },
];

const BY_LOWER = new Map(RULES.map((r) => [r.name.toLowerCase(), r]));

/** Headers a policy must not touch: they belong to the transport or to our own reporting. */
export const FORBIDDEN_HEADERS: Record<string, string> = {
  'content-security-policy': 'put the CSP under "csp:" (structured directives) instead of "set:"',
  'content-security-policy-report-only': 'put the CSP under "csp:" with "reportOnly: true" instead of "set:"',
  'report-to': 'Report-To is the Reporting API\'s old header: use Reporting-Endpoints (headerproof adds its own endpoints beside yours)',
  'content-length': 'the proxy must not rewrite transport headers',
  'transfer-encoding': 'the proxy must not rewrite transport headers',
  connection: 'the proxy must not rewrite transport headers',
  'set-cookie': 'a header policy must not change cookies',
  location: 'a header policy must not change redirects',
};

export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function findHeaderRule(name: string): HeaderRule | undefined {
  return BY_LOWER.get(name.toLowerCase());
}

export function knownHeaderNames(): string[] {
  return RULES.map((r) => r.name);
}

/** The known header nearest to a misspelled one (edit distance ≤ maxDistance), for "did you mean". */
export function suggestHeader(name: string, maxDistance = 3): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const rule of RULES) {
    const d = editDistance(name.toLowerCase(), rule.name.toLowerCase());
    if (d <= maxDistance && (!best || d < best.d)) best = { name: rule.name, d };
  }
  return best?.name;
}

/**
 * A header headerproof does not model is served as written, with a warning (its verdict rests on
 * the journeys and the generic signals) — unless it is one edit or two away from a header it knows:
 * then it is most likely a typo that would silently do nothing, and is refused.
 */
export function likelyTypo(name: string): string | undefined {
  return suggestHeader(name, 2);
}

/** The warning a report gives for a header the schema does not model. */
export const unmodelledWarning = (name: string) =>
  `${name} is not a header headerproof models: it is served as written, and its verdict rests on the journeys and the browsers' generic signals (page errors, blocked requests)`;

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
