// `headerproof lint`: pure checks over a policy. CSP weaknesses come from Google's csp_evaluator;
// the header checks it does not cover are ours. Every finding has a severity and a fix.
import { CspEvaluator } from 'csp_evaluator/dist/evaluator.js';
import { CspParser } from 'csp_evaluator/dist/parser.js';
import { Severity as CeSeverity, Type as CeType, type Finding as CeFinding } from 'csp_evaluator/dist/finding.js';
import { serializeCsp } from '../policy/csp.js';
import type { Policy } from '../policy/policy.js';
import { KNOWN_FEATURES, parsePermissionsPolicy, PermissionsPolicySyntaxError } from '../policy/permissions-policy.js';

/** The app a policy is for: its name in messages, and the Permissions-Policy features it uses (feature → what breaks). */
export interface LintApp { title: string; features?: Record<string, string>; ownCsp?: string }

export type Severity = 'high' | 'medium' | 'low' | 'info';

export interface Finding {
  severity: Severity;
  header: string;
  directive?: string;
  message: string;
  fix: string;
  /** Which checker found it. */
  by: 'csp_evaluator' | 'headerproof';
}

export const SEVERITY_ORDER: Severity[] = ['high', 'medium', 'low', 'info'];

function ceSeverity(s: CeSeverity): Severity {
  if (s === CeSeverity.HIGH || s === CeSeverity.SYNTAX) return 'high';
  if (s === CeSeverity.MEDIUM || s === CeSeverity.HIGH_MAYBE) return 'medium';
  if (s === CeSeverity.STRICT_CSP || s === CeSeverity.MEDIUM_MAYBE) return 'low';
  return 'info';
}

function ceFix(f: CeFinding): string {
  switch (f.type) {
    case CeType.SCRIPT_UNSAFE_INLINE:
      return "replace 'unsafe-inline' with 'sha256-…' hashes of the inline scripts (a static script's hash is stable; a bootstrap script's changes with every build — headerproof tune computes both)";
    case CeType.SCRIPT_UNSAFE_EVAL:
      return "drop 'unsafe-eval'; use 'wasm-unsafe-eval' if only WebAssembly needs it";
    case CeType.MISSING_DIRECTIVES:
      return `add ${f.directive === 'object-src' ? "object-src 'none'" : f.directive === 'base-uri' ? "base-uri 'self'" : `${f.directive} 'self'`}`;
    case CeType.PLAIN_URL_SCHEMES:
      return `list the exact origins instead of the scheme ${f.value ?? ''}`.trim();
    case CeType.PLAIN_WILDCARD:
      return `replace ${f.value ?? '*'} with the exact origins the app needs`;
    case CeType.NONCE_LENGTH:
      return 'use a nonce of at least 8 random characters';
    default:
      return 'see the csp_evaluator description; narrow the directive to the sources the journeys need';
  }
}

function lintCsp(policy: Policy, app?: LintApp): Finding[] {
  if (!policy.csp) return [];
  const header = policy.csp.reportOnly ? 'Content-Security-Policy-Report-Only' : 'Content-Security-Policy';
  const parsed = new CspParser(serializeCsp(policy.csp.directives)).csp;
  // A CSP of only non-fetch directives (bundle A's frame-ancestors) restricts no loads: the
  // evaluator's "script-src / object-src missing" would be noise there, so say it once instead.
  const fetchDirectives = Object.keys(policy.csp.directives).filter((d) => d.endsWith('-src'));
  const findings: Finding[] = new CspEvaluator(parsed)
    .evaluate()
    .filter((f) => fetchDirectives.length > 0 || f.type !== CeType.MISSING_DIRECTIVES)
    // 'self' "can be problematic if you host JSONP": true for any app, not actionable here.
    .filter((f) => !(f.type === CeType.SCRIPT_ALLOWLIST_BYPASS && f.value === "'self'"))
    .map((f) => ({ severity: ceSeverity(f.severity), header, directive: f.directive, message: f.description, fix: ceFix(f), by: 'csp_evaluator' as const }));
  const d = policy.csp.directives;
  if (!fetchDirectives.length) {
    findings.push({ severity: 'info', header, by: 'headerproof', message: `this CSP only sets ${Object.keys(d).join(', ')}: it restricts no scripts or loads`, fix: 'fine as a first step; add a report-only fetch policy next (bundle E)' });
  }
  if ('upgrade-insecure-requests' in d) {
    findings.push({
      severity: 'medium', header, directive: 'upgrade-insecure-requests', by: 'headerproof',
      message: 'upgrade-insecure-requests breaks a plain-HTTP install reached by host name or LAN address (every subresource is upgraded to https://: endless spinner)',
      fix: 'only use it when every client reaches the app over HTTPS; test with headerproof run --browser-host',
    });
  }
  if (!policy.csp.reportOnly && !policy.remove.some((h) => h.toLowerCase() === 'content-security-policy')) {
    findings.push({
      severity: 'info', header, by: 'headerproof',
      message: `if the app sends its own CSP (${app?.ownCsp ? `${app.title}: ${app.ownCsp}` : 'many can, behind a setting'}) both policies are enforced and only what both allow works`,
      fix: 'add Content-Security-Policy to "remove" so the edge policy is the only one',
    });
  }
  return findings;
}

function lintHsts(policy: Policy): Finding[] {
  const value = policy.set['Strict-Transport-Security'];
  if (!value) return [];
  const header = 'Strict-Transport-Security';
  const maxAge = Number(/max-age=(\d+)/i.exec(value)?.[1] ?? 0);
  const preload = /;\s*preload/i.test(value);
  const subdomains = /includeSubDomains/i.test(value);
  const out: Finding[] = [];
  if (maxAge < 300) out.push({ severity: 'medium', header, by: 'headerproof', message: `max-age=${maxAge} is too short to protect anyone`, fix: 'start with max-age=300 (5 minutes) to 86400, then raise to 31536000 once proven' });
  else if (maxAge < 86400) out.push({ severity: 'info', header, by: 'headerproof', message: `max-age=${maxAge} is a cautious first step`, fix: 'raise it step by step (1 day, 1 week, 1 year) after each check passes' });
  if (preload) {
    out.push({ severity: 'high', header, by: 'headerproof', message: 'preload asks browsers to hard-code HTTPS for the whole registrable domain and is slow to undo; never on a staging host', fix: 'remove preload until every subdomain serves HTTPS and the policy has run for months' });
    if (maxAge < 31536000) out.push({ severity: 'high', header, by: 'headerproof', message: 'the preload list requires max-age of at least 31536000', fix: 'drop preload, or use max-age=31536000' });
  }
  if (subdomains) out.push({ severity: 'medium', header, by: 'headerproof', message: 'includeSubDomains forces HTTPS on every subdomain, including ones outside this proxy', fix: 'add it only after checking every subdomain serves HTTPS' });
  return out;
}

function lintPermissionsPolicy(policy: Policy, app?: LintApp): Finding[] {
  const out: Finding[] = [];
  for (const header of ['Permissions-Policy', 'Permissions-Policy-Report-Only'] as const) {
    const value = policy.set[header];
    if (value === undefined) continue;
    let entries;
    try {
      entries = parsePermissionsPolicy(value);
    } catch (err) {
      if (!(err instanceof PermissionsPolicySyntaxError)) throw err;
      out.push({ severity: 'high', header, by: 'headerproof', message: `syntax error: ${err.message}; browsers ignore the whole header`, fix: 'write comma-separated feature=(allowlist) entries, e.g. camera=(), fullscreen=(self)' });
      continue;
    }
    for (const e of entries) {
      if (!KNOWN_FEATURES.has(e.feature)) {
        out.push({ severity: 'medium', header, directive: e.feature, by: 'headerproof', message: `unknown feature "${e.feature}" (Chromium ignores it and logs an error)`, fix: 'remove it or fix the name (see the Permissions-Policy feature list)' });
      }
      const use = app?.features?.[e.feature];
      if (use && e.allow.length === 0) {
        out.push({ severity: 'high', header, directive: e.feature, by: 'headerproof', message: `${e.feature}=() breaks ${app!.title}'s ${use}`, fix: `use ${e.feature}=(self)` });
      }
      if (e.allow.includes('*')) {
        out.push({ severity: 'low', header, directive: e.feature, by: 'headerproof', message: `${e.feature}=* lets any embedded frame use it`, fix: `use ${e.feature}=(self)` });
      }
    }
  }
  return out;
}

function lintFraming(policy: Policy): Finding[] {
  const xfo = policy.set['X-Frame-Options']?.toUpperCase();
  const fa = policy.csp && !policy.csp.reportOnly ? policy.csp.directives['frame-ancestors'] : undefined;
  const out: Finding[] = [];
  if (xfo && fa) {
    const faNone = fa.includes("'none'");
    const faSelfOnly = fa.length === 1 && fa[0] === "'self'";
    if ((xfo === 'DENY' && !faNone) || (xfo === 'SAMEORIGIN' && !faSelfOnly)) {
      out.push({ severity: 'medium', header: 'X-Frame-Options', by: 'headerproof', message: `X-Frame-Options ${xfo} and frame-ancestors ${fa.join(' ')} disagree; modern browsers obey frame-ancestors, old ones X-Frame-Options`, fix: xfo === 'DENY' ? "use frame-ancestors 'none' with DENY" : "use frame-ancestors 'self' with SAMEORIGIN" });
    }
  }
  if (policy.csp?.reportOnly && policy.csp.directives['frame-ancestors'] && !xfo) {
    out.push({ severity: 'medium', header: 'Content-Security-Policy-Report-Only', directive: 'frame-ancestors', by: 'headerproof', message: 'frame-ancestors in a report-only policy protects nothing', fix: 'also set X-Frame-Options: SAMEORIGIN, or put frame-ancestors in an enforced CSP' });
  }
  return out;
}

function lintOthers(policy: Policy): Finding[] {
  const out: Finding[] = [];
  const corp = policy.set['Cross-Origin-Resource-Policy'];
  if (corp === 'cross-origin') out.push({ severity: 'info', header: 'Cross-Origin-Resource-Policy', by: 'headerproof', message: 'cross-origin allows every site to embed the responses (the same as no header for most uses)', fix: 'use same-site or same-origin unless other sites must hot-link images' });
  if (corp === 'same-origin') out.push({ severity: 'info', header: 'Cross-Origin-Resource-Policy', by: 'headerproof', message: "same-origin blocks other sites from embedding thumbnails and videos (hot-linking); the app's own pages and API clients are unaffected", fix: 'use same-site if a sibling subdomain embeds its media' });
  if (policy.set['Referrer-Policy']?.includes('unsafe-url')) out.push({ severity: 'medium', header: 'Referrer-Policy', by: 'headerproof', message: 'unsafe-url sends full URLs (with share keys) to other sites', fix: 'use strict-origin-when-cross-origin or same-origin' });
  const xss = policy.set['X-XSS-Protection'];
  if (xss !== undefined && xss.trim() !== '0') out.push({ severity: 'low', header: 'X-XSS-Protection', by: 'headerproof', message: 'the XSS auditor is gone from browsers; "1" only enabled old side-channel bugs', fix: 'set X-XSS-Protection: 0 or leave it out' });
  return out;
}

/** app: the app behind the policy (its profile); without it no feature is known to be needed. */
export function lintPolicy(policy: Policy, app?: LintApp): Finding[] {
  const findings = [...lintCsp(policy, app), ...lintHsts(policy), ...lintPermissionsPolicy(policy, app), ...lintFraming(policy), ...lintOthers(policy)];
  return findings.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
}
