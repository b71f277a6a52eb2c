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

/** The CSP header value the proxy serves: the policy's directives plus our reporting endpoint. */
export function cspHeaderValue(policy: Policy, reportUrl: string): string | undefined {
  if (!policy.csp) return undefined;
  const { 'report-uri': _u, 'report-to': _t, ...rest } = policy.csp.directives;
  return `${serializeCsp(rest)}; report-uri ${reportUrl}; report-to ${REPORT_GROUP}`;
}

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
): HeaderEditResult {
  const replaced: string[] = [];
  for (const name of policy.remove) delete headers[name.toLowerCase()];
  for (const [name, value] of Object.entries(policy.set)) {
    const key = name.toLowerCase();
    if (headers[key] !== undefined && headers[key] !== value) replaced.push(name);
    headers[key] = value;
  }
  const csp = cspHeaderValue(policy, reportUrl);
  if (csp) {
    const key = cspHeaderName(policy);
    if (headers[key] !== undefined) replaced.push(key);
    headers[key] = csp;
    headers['reporting-endpoints'] = `${REPORT_GROUP}="${reportUrl}"`;
  }
  // Permissions-Policy violations are delivered through the Reporting API's default endpoint.
  if ((policy.set['Permissions-Policy'] || policy.set['Permissions-Policy-Report-Only']) && !csp) {
    headers['reporting-endpoints'] = `default="${reportUrl}"`;
  } else if (policy.set['Permissions-Policy'] || policy.set['Permissions-Policy-Report-Only']) {
    headers['reporting-endpoints'] = `${REPORT_GROUP}="${reportUrl}", default="${reportUrl}"`;
  }
  return { replaced };
}
