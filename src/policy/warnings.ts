// Facts about a policy that the journeys cannot show in this run, stated in the report.
import type { Policy } from './policy.js';
import { findHeaderRule, unmodelledWarning } from './headers.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

export function policyWarnings(policy: Policy, browserOrigin: string): string[] {
  const warnings: string[] = [];
  const url = new URL(browserOrigin);
  const uir = policy.csp && 'upgrade-insecure-requests' in policy.csp.directives;
  if (uir && policy.csp!.reportOnly) {
    warnings.push('upgrade-insecure-requests is ignored in a report-only policy: this run cannot show what it would do when enforced');
  }
  if (uir && url.protocol === 'http:') {
    warnings.push(
      LOOPBACK.test(url.hostname)
        ? 'upgrade-insecure-requests on a plain-HTTP target: browsers upgrade every subresource to https:// when the app is reached by host name or LAN address (endless spinner). This run used a loopback address, which is never upgraded; re-run with --browser-host to see it.'
        : 'upgrade-insecure-requests on a plain-HTTP target: every subresource is upgraded to https://, which a plain-HTTP install does not serve.',
    );
  }
  if (policy.set['Strict-Transport-Security'] && url.protocol === 'http:') {
    warnings.push('Strict-Transport-Security is ignored on plain HTTP; this run cannot show its effect');
  }
  if (policy.set['Permissions-Policy-Report-Only']) {
    warnings.push('Permissions-Policy-Report-Only is experimental in Chromium; no report may come even when the policy would block');
  }
  for (const name of Object.keys(policy.set)) if (!findHeaderRule(name)) warnings.push(unmodelledWarning(name));
  if (policy.set['Reporting-Endpoints'] && /(^|,)\s*default=/.test(policy.set['Reporting-Endpoints'])) {
    warnings.push('Reporting-Endpoints: during the run headerproof\'s collector takes the "default" endpoint (your other endpoints are kept); reports without a named endpoint go to it');
  }
  for (const name of ['Integrity-Policy', 'Integrity-Policy-Report-Only']) {
    const value = policy.set[name];
    if (value !== undefined && !/(^|,)\s*endpoints=\(\s*[^)\s]/.test(value)) {
      warnings.push(`${name} names no endpoints: Firefox then reports nothing (measured in Firefox ESR 153), so your users' Firefox violations go unheard; add endpoints=(name) and a Reporting-Endpoints entry for it (during the run headerproof adds its own)`);
    }
  }
  return warnings;
}
