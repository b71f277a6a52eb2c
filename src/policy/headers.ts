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
  'reporting-endpoints': 'headerproof adds its own reporting endpoint; remove this header',
  'report-to': 'headerproof adds its own reporting endpoint; remove this header',
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

/** The known header nearest to a misspelled one (edit distance ≤ 3), for "did you mean". */
export function suggestHeader(name: string): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const rule of RULES) {
    const d = editDistance(name.toLowerCase(), rule.name.toLowerCase());
    if (d <= 3 && (!best || d < best.d)) best = { name: rule.name, d };
  }
  return best?.name;
}

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
