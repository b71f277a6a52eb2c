// Turns a validated Policy into edits on one response's headers. Pure: the proxy calls it from its
// proxyRes hook, the unit tests call it directly.
import type { IncomingHttpHeaders } from 'node:http';
import { serializeCsp } from '../policy/csp.js';
import type { Policy } from '../policy/policy.js';

/** The path on the proxy's own origin where browsers deliver CSP and Reporting API reports. */
export const REPORT_PATH = '/__headerproof/report';
/** The Reporting API endpoint name we register with Reporting-Endpoints. */
export const REPORT_GROUP = 'headerproof';

export interface HeaderEditResult {
  /** Headers the upstream already sent that the policy replaced (worth warning about). */
  replaced: string[];
}

export function policyApplies(policy: Policy, urlPath: string): boolean {
  return !policy.paths || policy.paths.some((prefix) => urlPath.startsWith(prefix));
}

export interface ReportingOptions {
  /**
   * Also add `report-to` to the CSP. Chromium then ignores `report-uri` and sends reports only
   * through the Reporting API, which headless Chromium was not seen to deliver: off by default.
   */
  reportTo?: boolean;
}

const SAMPLED_DIRECTIVES = ['script-src', 'script-src-elem', 'script-src-attr', 'style-src', 'style-src-elem', 'style-src-attr', 'default-src'];

/**
 * The CSP header value the proxy serves: the policy's directives, 'report-sample' where scripts and
 * styles are governed (so reports carry the first characters of what was blocked; it changes no
 * decision), and our reporting endpoint.
 */
export function cspHeaderValue(policy: Pick<Policy, 'csp'>, reportUrl: string, options: ReportingOptions = {}): string | undefined {
  if (!policy.csp) return undefined;
  const { 'report-uri': _u, 'report-to': _t, ...rest } = policy.csp.directives;
  const withSamples = Object.fromEntries(
    Object.entries(rest).map(([name, sources]) => [
      name,
      SAMPLED_DIRECTIVES.includes(name) && !sources.includes("'none'") && !sources.includes("'report-sample'") ? [...sources, "'report-sample'"] : sources,
    ]),
  );
  return `${serializeCsp(withSamples)}; report-uri ${reportUrl}${options.reportTo ? `; report-to ${REPORT_GROUP}` : ''}`;
}

/**
 * Declares the collector for the Reporting API: "headerproof" for CSP's report-to, "default" for the
 * rest. A policy's own Reporting-Endpoints entries are kept beside them (its "default" gives way to
 * the collector's for the run; policy/warnings.ts says so).
 */
export function reportingEndpoints(reportUrl: string, own?: string): string {
  const kept = (own ?? '').split(',').map((e) => e.trim()).filter((e) => e && !/^(default|headerproof)=/.test(e));
  return [...kept, `${REPORT_GROUP}="${reportUrl}"`, `default="${reportUrl}"`].join(', ');
}

/**
 * An Integrity-Policy(-Report-Only) value with our endpoint added to its `endpoints` member: Firefox
 * (ESR 153) raises integrity-violation reports, even to a ReportingObserver, only when the policy
 * names an endpoint; Chromium raises them either way. The policy's own endpoints are kept.
 */
export function integrityWithEndpoint(value: string): string {
  const members = value.split(',').map((m) => m.trim()).filter(Boolean);
  const i = members.findIndex((m) => /^endpoints=\(/.test(m));
  if (i < 0) return [...members, `endpoints=(${REPORT_GROUP})`].join(', ');
  const names = members[i]!.slice('endpoints=('.length, -1).trim().split(/\s+/).filter(Boolean);
  if (!names.includes(REPORT_GROUP)) members[i] = `endpoints=(${[...names, REPORT_GROUP].join(' ')})`;
  return members.join(', ');
}

const INTEGRITY = /^integrity-policy(-report-only)?$/;

/** Headers whose reports go to the Reporting API's endpoints. */
const REPORTING = /^(permissions-policy|cross-origin|integrity-policy|document-isolation-policy|reporting-endpoints)/i;

export function cspHeaderName(policy: Policy): string {
  return policy.csp?.reportOnly ? 'content-security-policy-report-only' : 'content-security-policy';
}

/**
 * Applies the policy to `headers` in place (node lower-cases header names).
 * `reportUrl` is absolute, on the origin the browser sees.
 */
export function applyHeaderEdits(
  headers: IncomingHttpHeaders,
  policy: Policy,
  reportUrl: string,
  options: ReportingOptions = {},
): HeaderEditResult {
  const replaced: string[] = [];
  for (const name of policy.remove) delete headers[name.toLowerCase()];
  for (const [name, value] of Object.entries(policy.set)) {
    const key = name.toLowerCase();
    if (headers[key] !== undefined && headers[key] !== value) replaced.push(name);
    headers[key] = INTEGRITY.test(key) ? integrityWithEndpoint(value) : value;
  }
  const csp = cspHeaderValue(policy, reportUrl, options);
  if (csp) {
    const key = cspHeaderName(policy);
    const own = headers[key];
    if (own !== undefined && policy.csp?.alongside) {
      // The app's own CSP stays; ours goes beside it as a second header line (both are enforced).
      headers[key] = [...(Array.isArray(own) ? own : [own]), csp] as unknown as string;
    } else {
      if (own !== undefined) replaced.push(key);
      headers[key] = csp;
    }
  }
  // Declares our collector for the Reporting API: "headerproof" for CSP's report-to, "default" for
  // Permissions-Policy and the other report types that have no directive of their own.
  if (csp || Object.keys(policy.set).some((h) => REPORTING.test(h))) {
    headers['reporting-endpoints'] = reportingEndpoints(reportUrl, policy.set['Reporting-Endpoints']);
  }
  return { replaced };
}

/** The headers the proxy serves for an in-scope response (null = removed), for reports. */
export function servedHeaders(policy: Policy, reportUrl: string): Record<string, string | null> {
  const headers: IncomingHttpHeaders = {};
  applyHeaderEdits(headers, policy, reportUrl);
  const out: Record<string, string | null> = {};
  for (const name of policy.remove) out[name] = null;
  for (const [name, value] of Object.entries(headers)) out[name] = String(value);
  return out;
}
