// Enforced candidates sharing one pass. Where every member's headers are pure restrictions, a
// browser serving them all enforces "all of them at once": each CSP header on its own, the
// narrowest Permissions-Policy allowlist per feature, and single-valued headers only where the
// members agree. If the journeys all pass under that and no member caused anything new, each member
// alone would pass too, so each is safe; otherwise the members are split and re-run (src/run/run.ts)
// until every verdict is one a pass of its own would give. Each member's CSP reports to its own
// path (…/report/stack-<i>, as in the report-only stack), so a violation names its member.
// Pure: the planner (playwright.config.ts), the proxy and the CLI's split call it.
import type { IncomingHttpHeaders } from 'node:http';
import type { Policy } from '../policy/policy.js';
import { INFORMATIONAL_HEADERS } from '../policy/reports-only.js';
import { parsePermissionsPolicy, type PermissionsPolicyEntry } from '../policy/permissions-policy.js';
import { cspHeaderName, policyApplies, REPORT_PATH, reportingEndpoints } from './header-edits.js';
import { appendMemberCsps } from './stack.js';

/** The name of the project that serves the n-th shared group (never a policy name: those have no spaces). */
export const sharedProjectName = (n: number) => `shared pass ${n}`;

/** Headers whose one value must be the same in every member that sets it. */
const SINGLE_VALUED = new Set(['x-frame-options', 'referrer-policy', 'cross-origin-resource-policy', 'cross-origin-opener-policy', 'cross-origin-embedder-policy', 'strict-transport-security', 'x-content-type-options']);
/** Referrer-Policy values that send no more than the browsers' default (strict-origin-when-cross-origin). */
const REFERRER_NO_MORE = new Set(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']);
const X_FRAME = new Set(['deny', 'sameorigin']);

/**
 * Whether a policy only restricts what the page may do, so that serving it together with others
 * can only make a journey fail more, never pass where it alone would fail. `why` says what is not.
 * The one definition of "restriction only" (unit-tested per header kind).
 */
export function restrictionOnly(policy: Policy): { ok: true } | { ok: false; why: string } {
  const no = (why: string) => ({ ok: false as const, why });
  if (policy.csp && !policy.csp.reportOnly && 'upgrade-insecure-requests' in policy.csp.directives) return no('upgrade-insecure-requests rewrites requests');
  for (const name of policy.remove) {
    const key = name.toLowerCase();
    // Removing the app's own CSP of the kind the policy sets is what serving the policy does anyway.
    const replacedByOwn = policy.csp && key === cspHeaderName(policy);
    if (!INFORMATIONAL_HEADERS.has(key) && !replacedByOwn && !Object.keys(policy.set).some((h) => h.toLowerCase() === key)) return no(`removing ${name} can loosen what the app sends`);
  }
  for (const [name, value] of Object.entries(policy.set)) {
    const key = name.toLowerCase();
    const v = value.trim().toLowerCase();
    if (key === 'permissions-policy') {
      try {
        parsePermissionsPolicy(value);
      } catch {
        return no('Permissions-Policy that does not parse cannot be combined');
      }
      continue;
    }
    if (!SINGLE_VALUED.has(key)) return no(`${name} is not a restriction headerproof knows how to combine`);
    if (key === 'referrer-policy') {
      // Browsers use the last value they recognize.
      const last = v.split(',').map((t) => t.trim()).filter(Boolean).pop() ?? '';
      if (!REFERRER_NO_MORE.has(last)) return no(`Referrer-Policy ${value} sends more than the default`);
    }
    if (key === 'x-frame-options' && !X_FRAME.has(v)) return no(`X-Frame-Options ${value} is not DENY or SAMEORIGIN`);
    if (key === 'x-content-type-options' && v !== 'nosniff') return no(`X-Content-Type-Options ${value} is not nosniff`);
  }
  return { ok: true };
}

/** The single-valued headers a policy sets, lower-cased name → value. */
function singleValued(policy: Policy): Map<string, string> {
  return new Map(Object.entries(policy.set).filter(([n]) => SINGLE_VALUED.has(n.toLowerCase())).map(([n, v]) => [n.toLowerCase(), v.trim()]));
}

/** The headers a candidate may replace of those the target sends itself (for replacesUpstream, read before a run). */
export function ownSecurityHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept = new Set([...SINGLE_VALUED, 'content-security-policy', 'content-security-policy-report-only', 'permissions-policy']);
  return Object.fromEntries(Object.entries(headers).filter(([k, v]) => kept.has(k.toLowerCase()) && v !== undefined).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]));
}

/**
 * Why a candidate would see the app differently in a shared pass than alone, from the headers the
 * target sends itself (its front page, before the run): it replaces one of them (a single-valued
 * header with another value, or the app's CSP of the kind it sets). Alone, the app's own value is
 * gone; in a shared pass the members that keep it would keep it for everyone, or it would be gone
 * for members that keep it. Undefined when it keeps the app's view.
 */
export function replacesUpstream(policy: Policy, upstream: IncomingHttpHeaders): string | undefined {
  for (const [name, value] of singleValued(policy)) {
    const own = upstream[name];
    if (own !== undefined && String(own).trim().toLowerCase() !== value.toLowerCase()) return `it replaces the app's own ${name} (${String(own)})`;
  }
  if (policy.csp && upstream[cspHeaderName(policy)] !== undefined && policy.remove.some((h) => h.toLowerCase() === cspHeaderName(policy))) return `it replaces the app's own ${cspHeaderName(policy)}`;
  return undefined;
}

/**
 * Groups the candidates that may share a pass: restriction-only ones, greedily, into groups whose
 * single-valued headers agree (a member that disagrees opens another group). Groups of one, and
 * every other candidate, run alone — as does one that replaces a header the target sends itself
 * (`upstream`, when known before the run: see replacesUpstream).
 */
export function planShares(policies: Policy[], enabled: boolean, upstream?: IncomingHttpHeaders): { groups: Policy[][]; alone: Policy[] } {
  if (!enabled) return { groups: [], alone: policies };
  const groups: Policy[][] = [];
  const alone: Policy[] = [];
  for (const p of policies) {
    if (!restrictionOnly(p).ok || (upstream && replacesUpstream(p, upstream))) {
      alone.push(p);
      continue;
    }
    const mine = singleValued(p);
    const fits = (g: Policy[]) => g.every((m) => [...singleValued(m)].every(([h, v]) => !mine.has(h) || mine.get(h) === v));
    const group = groups.find(fits);
    if (group) group.push(p);
    else groups.push([p]);
  }
  return { groups: groups.filter((g) => g.length > 1), alone: [...alone, ...groups.filter((g) => g.length === 1).flat()].sort((a, b) => policies.indexOf(a) - policies.indexOf(b)) };
}

/**
 * The narrowest of several Permissions-Policy allowlists per feature: a feature denied by one is
 * denied; `*` gives way to any list; otherwise only what every list allows.
 */
export function intersectPermissions(lists: PermissionsPolicyEntry[][]): PermissionsPolicyEntry[] {
  const out = new Map<string, string[]>();
  for (const list of lists) {
    for (const { feature, allow } of list) {
      const had = out.get(feature);
      if (!had || had.includes('*')) out.set(feature, [...allow]);
      else if (!allow.includes('*')) out.set(feature, had.filter((t) => allow.includes(t)));
    }
  }
  return [...out].map(([feature, allow]) => ({ feature, allow }));
}

export function serializePermissions(entries: PermissionsPolicyEntry[]): string {
  return entries.map(({ feature, allow }) => `${feature}=${allow.length === 1 && allow[0] === '*' ? '*' : `(${allow.join(' ')})`}`).join(', ');
}

/**
 * Serves every in-scope member at once on `headers` (in place): each member's CSP as its own header
 * line reporting to its slot, the app's own CSP kept beside them (stricter than any member alone,
 * which would replace it); Permissions-Policy narrowed over the members and the app's own; the
 * agreed single-valued headers; informational headers removed. Returns `unsound` when the app's own
 * value of a single-valued header meets a member that sets another value and a member that sets
 * none (that member alone would keep the app's value, which may be stricter): the pass then proves
 * nothing and its members are re-run apart.
 */
export function applySharedEdits(headers: IncomingHttpHeaders, members: Policy[], reportBase: string, urlPath: string): { replaced: string[]; unsound?: string } {
  const inScope = members.map((m, slot) => ({ m, slot })).filter(({ m }) => policyApplies(m, urlPath));
  if (!inScope.length) return { replaced: [] };
  const replaced = new Set<string>();
  let unsound: string | undefined;
  for (const { m } of inScope) for (const name of m.remove) if (INFORMATIONAL_HEADERS.has(name.toLowerCase())) delete headers[name.toLowerCase()];
  // CSP lines, one per member, beside the app's own.
  for (const key of ['content-security-policy', 'content-security-policy-report-only'] as const) {
    if (appendMemberCsps(headers, key, members, reportBase, urlPath).upstreamHadOne) replaced.add(key);
  }
  // Permissions-Policy: the narrowest allowlists of the members and of the app's own header.
  const pp = inScope.map(({ m }) => Object.entries(m.set).find(([n]) => n.toLowerCase() === 'permissions-policy')?.[1]).filter((v): v is string => v !== undefined);
  if (pp.length) {
    const own = headers['permissions-policy'];
    let ownEntries: PermissionsPolicyEntry[] = [];
    if (own !== undefined) {
      replaced.add('permissions-policy');
      try {
        ownEntries = parsePermissionsPolicy(String(own));
      } catch {
        unsound = 'the app sends a Permissions-Policy that cannot be combined';
      }
    }
    headers['permissions-policy'] = serializePermissions(intersectPermissions([ownEntries, ...pp.map((v) => parsePermissionsPolicy(v))]));
  }
  for (const key of SINGLE_VALUED) {
    const setters = inScope.filter(({ m }) => singleValued(m).has(key));
    if (!setters.length) continue;
    const value = singleValued(setters[0]!.m).get(key)!;
    const own = headers[key];
    if (own !== undefined && String(own).trim() !== value) {
      replaced.add(key);
      if (setters.length < inScope.length) unsound ??= `the app's own ${key} differs from the members' and some members leave it as it is`;
    }
    headers[key] = value;
  }
  // The collector for the Reporting API, as a member alone declares it.
  headers['reporting-endpoints'] = reportingEndpoints(`${reportBase}${REPORT_PATH}`);
  return { replaced: [...replaced], ...(unsound ? { unsound } : {}) };
}

/**
 * How to split the members of a shared pass that was not clean: those its findings point at (their
 * own CSP reported or blocked something new, or a feature only their Permissions-Policy restricts
 * was refused) each get a pass alone and the rest share one again; when nothing points at anyone,
 * halves. Every group returned is smaller than the one it came from, so re-running ends.
 */
export function splitShared(members: { name: string; pointed: boolean }[]): string[][] {
  if (members.length <= 1) return members.map((m) => [m.name]);
  const pointed = members.filter((m) => m.pointed);
  if (pointed.length && pointed.length < members.length) {
    return [...pointed.map((m) => [m.name]), members.filter((m) => !m.pointed).map((m) => m.name)];
  }
  if (pointed.length === members.length) return members.map((m) => [m.name]);
  const half = Math.ceil(members.length / 2);
  return [members.slice(0, half).map((m) => m.name), members.slice(half).map((m) => m.name)];
}
