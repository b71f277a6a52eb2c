// `headerproof export`: a validated policy as edge configuration — Traefik (file provider YAML or
// Docker labels), nginx, Caddy. Exports carry the policy's own headers, never the proxy's test-time
// reporting endpoint; with --report-uri they also send reports to a production `headerproof
// collect`, and carry the edge route that forwards that path to it.
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import { ALLOW_ALL_SOURCES as PERMISSIVE, parseCsp, serializeCsp, type CspDirectives } from '../policy/csp.js';
import type { Policy } from '../policy/policy.js';

export type ExportFormat = 'traefik' | 'traefik-labels' | 'nginx' | 'caddy';
export const EXPORT_FORMATS: ExportFormat[] = ['traefik', 'traefik-labels', 'nginx', 'caddy'];

export interface ExportOptions {
  /** Traefik version to target, e.g. "3.1" (default) or "2.11". */
  traefikVersion?: string;
  /** Where browsers send reports, e.g. https://photos.example.org/__csp (see withReporting). */
  reportUri?: string;
  /** Where the edge forwards that path: the `headerproof collect` ingest address. */
  collector?: string;
  /** Also add CSP report-to (see withReporting). */
  reportTo?: boolean;
}

/** The Reporting API endpoint names the export declares: CSP's report-to, and everything else. */
export const CSP_ENDPOINT = 'csp-endpoint';
export const DEFAULT_COLLECTOR = 'http://127.0.0.1:8787';

/**
 * The policy with reporting to `reportUri`: `report-uri` in the CSP (every engine sends it), and
 * Reporting-Endpoints naming it for Permissions-Policy and the other Reporting API types
 * ("default"). `report-to` only on request: Chromium then drops report-uri and sends CSP reports
 * through the Reporting API alone, which headless Chromium 156 did not deliver here in 75 s.
 */
export function withReporting(policy: Policy, reportUri: string, reportTo = false): Policy {
  let url: URL;
  try {
    url = new URL(reportUri);
  } catch {
    throw new ExportError(`--report-uri: "${reportUri}" is not an absolute URL such as https://photos.example.org/__csp`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ExportError('--report-uri: an https:// URL (browsers send reports only to https, or to localhost)');
  if (url.search || url.hash || url.username) throw new ExportError('--report-uri: no query, fragment or user info (browsers post to it as it is)');
  if (/[\s;,"]/.test(reportUri)) throw new ExportError('--report-uri: no spaces, quotes, commas or semicolons');
  const csp = policy.csp ? { ...policy.csp, directives: { ...policy.csp.directives, 'report-uri': [url.href], ...(reportTo ? { 'report-to': [CSP_ENDPOINT] } : {}) } } : undefined;
  return { ...policy, ...(csp ? { csp } : {}), set: { ...policy.set, 'Reporting-Endpoints': `${CSP_ENDPOINT}="${url.href}", default="${url.href}"` } };
}

function collectorUrl(collector: string | undefined): URL {
  try {
    const u = new URL(collector ?? DEFAULT_COLLECTOR);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    return u;
  } catch {
    throw new ExportError(`--collector: "${collector}" is not a URL such as ${DEFAULT_COLLECTOR}`);
  }
}

/**
 * The headers a policy puts on the wire, in a stable order. `remove` lists removals of headers the
 * policy does not also set; `replaced` lists those it removes from the app and then sets itself
 * (e.g. the app's own CSP): edges whose "set" already replaces need no separate removal for them.
 */
export function policyHeaders(policy: Policy): { set: [string, string][]; remove: string[]; replaced: string[] } {
  const set: [string, string][] = Object.entries(policy.set);
  if (policy.csp) set.unshift([policy.csp.reportOnly ? 'Content-Security-Policy-Report-Only' : 'Content-Security-Policy', serializeCsp(policy.csp.directives)]);
  const isSet = (name: string) => set.some(([n]) => n.toLowerCase() === name.toLowerCase());
  return { set, remove: policy.remove.filter((n) => !isSet(n)), replaced: policy.remove.filter(isSet) };
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((n) => Number(n));
  return a > major || (a === major && b >= minor);
}

/** Traefik headers-middleware options for a policy, plus the notes that explain each choice. */
export function traefikHeaders(policy: Policy, options: ExportOptions = {}): { headers: Record<string, unknown>; notes: string[] } {
  const version = options.traefikVersion ?? '3.1';
  const h: Record<string, unknown> = {};
  const custom: Record<string, string> = {};
  const notes: string[] = [];
  if (policy.csp?.alongside) {
    notes.push(`${cspName(policy)} left to the app: the policy keeps the app's own and sends its CSP beside it, but Traefik's headers middleware can only replace a header, not add a second line, so this middleware sets no CSP (the nginx and Caddy exports send it beside the app's)`);
  } else if (policy.csp) {
    const value = serializeCsp(policy.csp.directives);
    if (!policy.csp.reportOnly) h.contentSecurityPolicy = value;
    else if (versionAtLeast(version, 3, 1)) {
      h.contentSecurityPolicyReportOnly = value;
      notes.push('contentSecurityPolicyReportOnly needs Traefik v3.1+; for older versions export with --traefik-version 2.11 (uses customResponseHeaders)');
    } else custom['Content-Security-Policy-Report-Only'] = value;
  }
  for (const [name, value] of Object.entries(policy.set)) {
    switch (name) {
      case 'X-Content-Type-Options':
        h.contentTypeNosniff = true;
        break;
      case 'X-Frame-Options':
        if (value.toUpperCase() === 'DENY') h.frameDeny = true;
        else h.customFrameOptionsValue = value;
        break;
      case 'Referrer-Policy':
        h.referrerPolicy = value;
        break;
      case 'Permissions-Policy':
        if (versionAtLeast(version, 2, 5)) h.permissionsPolicy = value;
        else custom[name] = value;
        break;
      case 'Strict-Transport-Security': {
        h.stsSeconds = Number(/max-age=(\d+)/i.exec(value)?.[1] ?? 0);
        if (/includeSubDomains/i.test(value)) h.stsIncludeSubdomains = true;
        if (/preload/i.test(value)) h.stsPreload = true;
        // Without it Traefik only sends HSTS on HTTPS requests it terminates itself.
        h.forceSTSHeader = true;
        break;
      }
      default:
        custom[name] = value;
    }
  }
  // An empty value makes Traefik remove the header from the response. Headers the policy also
  // sets need no removal: Traefik's options replace the app's value.
  for (const name of policyHeaders(policy).remove) custom[name] = '';
  if (Object.keys(custom).length) h.customResponseHeaders = custom;
  if (policy.paths) notes.push(`attach this middleware only to a router matching PathPrefix(${policy.paths.map((p) => `\`${p}\``).join(') || PathPrefix(')})`);
  return { headers: h, notes };
}

const cspName = (policy: Policy) => (policy.csp?.reportOnly ? 'Content-Security-Policy-Report-Only' : 'Content-Security-Policy');

function middlewareName(policy: Policy): string {
  return `${policy.name.replace(/[^a-z0-9-]/g, '-')}-headers`;
}

function header(policy: Policy, comment: string): string {
  return [`${comment} headerproof export of policy "${policy.name}"${policy.file ? ` (${policy.file})` : ''}`,
    ...policy.description.split(/(?<=\.)\s+/).map((line) => `${comment} ${line}`),
    ...openDirectives(policy).map((line) => `${comment} ${line}`)].join('\n');
}

/**
 * Directives a CSP leaves open on purpose: the stand-in a subset or plan puts where an app does not
 * take a directive (it allows anything, so default-src does not govern it there), said in words.
 */
export function openDirectives(policy: Policy): string[] {
  const csps: [string, CspDirectives][] = [];
  if (policy.csp) csps.push([policy.csp.reportOnly ? 'Content-Security-Policy-Report-Only' : 'Content-Security-Policy', policy.csp.directives]);
  for (const [name, value] of Object.entries(policy.set)) {
    if (/^content-security-policy(-report-only)?$/i.test(name)) {
      try {
        csps.push([name, parseCsp(value)]);
      } catch { /* a value that does not parse is exported as written */ }
    }
  }
  const open = (sources: string[]) => sources.length === PERMISSIVE.length && PERMISSIVE.every((s) => sources.includes(s));
  return csps.flatMap(([name, d]) => {
    const names = Object.entries(d).filter(([, s]) => open(s)).map(([k]) => k);
    return names.length ? [`${name}: ${names.join(', ')} left open on purpose — not restricted for this app (it needs them open, or another layer does not take them); their value "${PERMISSIVE.join(' ')}" allows anything, so that default-src does not govern them.`] : [];
  });
}

export class ExportError extends Error {}

/**
 * nginx reads one parameter of at most 4 KB ("too long parameter"): a longer value (a CSP with many
 * hashes) is built up in a variable with `set`, a chunk at a time, and added from it.
 */
export const NGINX_CHUNK = 3000;

function nginxAddHeader(policyName: string, name: string, value: string): string[] {
  if (value.length <= NGINX_CHUNK) return [`add_header ${name} ${nginxQuote(name, value)} always;`];
  // Short: nginx hashes variable names in buckets of 64 bytes by default ("could not build variables_hash").
  const variable = `hp_${name.toLowerCase().split('-').map((w) => w[0]).join('')}_${createHash('sha256').update(`${policyName}\u0000${name}`).digest('hex').slice(0, 8)}`;
  const chunks: string[] = [];
  for (let i = 0; i < value.length; i += NGINX_CHUNK) chunks.push(value.slice(i, i + NGINX_CHUNK));
  return [
    `# ${name} is longer than nginx reads in one parameter (4 KB): built up in $${variable}.`,
    ...chunks.map((c, i) => {
      const quoted = nginxQuote(name, c);
      return `set $${variable} ${i ? `"\${${variable}}${quoted.slice(1)}` : quoted};`;
    }),
    `add_header ${name} $${variable} always;`,
  ];
}

function nginxQuote(name: string, value: string): string {
  // nginx expands $name inside add_header values; a literal "$" has no portable escape.
  if (value.includes('$')) throw new ExportError(`${name}: nginx cannot serve a literal "$" in add_header; change the value`);
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function exportPolicy(policy: Policy, format: ExportFormat, options: ExportOptions = {}): string {
  if (!options.reportUri) return exportHeaders(policy, format, options);
  const reporting = withReporting(policy, options.reportUri, options.reportTo);
  const route = new URL(options.reportUri);
  const collector = collectorUrl(options.collector);
  const upstream = collector.origin;
  const intro = `reports go to ${route.href}; the edge forwards ${route.pathname} to headerproof collect at ${upstream} (start it with --origin ${route.origin})`;
  if (format === 'nginx') {
    return `${exportHeaders(reporting, format, options)}# ${intro}\n# (a location inside the server block, or nested in the location above)\nlocation = ${route.pathname} {\n    proxy_pass ${upstream};\n    proxy_set_header X-Forwarded-For $remote_addr;\n    proxy_set_header Cookie \"\";\n    proxy_set_header Authorization \"\";\n    client_max_body_size 64k;\n}\n`;
  }
  if (format === 'caddy') {
    // Caddy orders reverse_proxy directives by how specific their matcher is: this one goes first.
    return `${exportHeaders(reporting, format, options)}# ${intro}\nreverse_proxy ${route.pathname} ${upstream} {\n\theader_up -Cookie\n\theader_up -Authorization\n}\n`;
  }
  const name = middlewareName(policy).replace(/-headers$/, '');
  const rule = `Host(\`${route.hostname}\`) && Path(\`${route.pathname}\`)`;
  if (format === 'traefik') {
    // One document: the middleware, plus the router and service that take the reports.
    const { headers, notes } = traefikHeaders(reporting, options);
    const doc = { http: {
      middlewares: { [middlewareName(policy)]: { headers }, [`${name}-reports-strip`]: { headers: { customRequestHeaders: { Cookie: '', Authorization: '' } } } },
      routers: { [`${name}-reports`]: { rule, service: `${name}-collector`, priority: 1000, middlewares: [`${name}-reports-strip`] } },
      services: { [`${name}-collector`]: { loadBalancer: { servers: [{ url: upstream }] } } },
    } };
    return `${header(policy, '#')}\n${notes.map((n) => `# NOTE: ${n}`).join('\n')}${notes.length ? '\n' : ''}# ${intro}\n# Traefik dynamic configuration (file provider). Reference the middleware from the app's router\n#   middlewares: [${middlewareName(policy)}@file]\n# and give the ${name}-reports router the same entryPoints (and tls) as the app's router.\n${YAML.stringify(doc, { lineWidth: 0 })}`;
  }
  const labels = [
    `traefik.http.routers.${name}-reports.rule=${rule}`,
    `traefik.http.routers.${name}-reports.priority=1000`,
    `traefik.http.middlewares.${name}-reports-strip.headers.customRequestHeaders.Cookie=`,
    `traefik.http.middlewares.${name}-reports-strip.headers.customRequestHeaders.Authorization=`,
    `traefik.http.routers.${name}-reports.middlewares=${name}-reports-strip`,
    `traefik.http.services.${name}-collector.loadbalancer.server.port=${collector.port || (collector.protocol === 'https:' ? '443' : '80')}`,
  ].map((l) => l.replace(/\$/g, '$$$$'));
  return `${exportHeaders(reporting, format, options)}# ${intro}\n# labels for the container that runs headerproof collect (listening on 0.0.0.0 inside its network):\n${YAML.stringify({ labels }, { lineWidth: 0 })}`;
}

function exportHeaders(policy: Policy, format: ExportFormat, options: ExportOptions): string {
  if (format === 'traefik') {
    const { headers, notes } = traefikHeaders(policy, options);
    const doc = { http: { middlewares: { [middlewareName(policy)]: { headers } } } };
    return `${header(policy, '#')}\n${notes.map((n) => `# NOTE: ${n}`).join('\n')}${notes.length ? '\n' : ''}# Traefik dynamic configuration (file provider). Reference it from the app's router:\n#   middlewares: [${middlewareName(policy)}@file]\n${YAML.stringify(doc, { lineWidth: 0 })}`;
  }
  if (format === 'traefik-labels') {
    const { headers, notes } = traefikHeaders(policy, options);
    const prefix = `traefik.http.middlewares.${middlewareName(policy)}.headers`;
    const labels: string[] = [];
    for (const [key, value] of Object.entries(headers)) {
      if (key === 'customResponseHeaders') {
        for (const [name, v] of Object.entries(value as Record<string, string>)) labels.push(`${prefix}.customResponseHeaders.${name}=${v}`);
      } else labels.push(`${prefix}.${key}=${String(value)}`);
    }
    // Compose interpolates "$"; double it so the value reaches Traefik intact.
    const escaped = labels.map((l) => l.replace(/\$/g, '$$$$'));
    return `${header(policy, '#')}\n${notes.map((n) => `# NOTE: ${n}`).join('\n')}${notes.length ? '\n' : ''}# docker compose labels for the app's service; also add the middleware to its router:\n#   traefik.http.routers.<app-router>.middlewares=${middlewareName(policy)}@docker\n${YAML.stringify({ labels: escaped }, { lineWidth: 0 })}`;
  }
  const { set, remove, replaced } = policyHeaders(policy);
  if (format === 'nginx') {
    const scope = policy.paths ? `# Put this in the location block(s) for: ${policy.paths.join(' ')}\n` : '# Put this in the server or location block that proxies to the app.\n';
    return [
      header(policy, '#'),
      scope + '# add_header is inherited only by blocks that have no add_header of their own: repeat it there.',
      // add_header adds; hide the app's own copy of a header the policy sets (e.g. its CSP).
      ...[...remove, ...replaced].map((name) => `proxy_hide_header ${name};`),
      ...(policy.csp?.alongside ? [`# ${cspName(policy)}: the app's own is kept (no proxy_hide_header); add_header sends this one beside it, and browsers enforce both.`] : []),
      ...set.flatMap(([name, value]) => nginxAddHeader(policy.name, name, value)),
      '',
    ].join('\n');
  }
  const caddyQuote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const matcher = policy.paths ? ` @headerproof` : '';
  // Beside the app's own CSP: "+" adds a line, and "defer" adds it after the app's headers are in.
  const beside = policy.csp?.alongside ? cspName(policy) : undefined;
  return [
    header(policy, '#'),
    ...(beside ? [`# ${beside}: the app's own is kept; this one is added beside it ("+", deferred past the app's headers), and browsers enforce both.`] : []),
    ...(policy.paths ? [`@headerproof path ${policy.paths.map((p) => `${p}*`).join(' ')}`] : []),
    `header${matcher} {`,
    ...set.map(([name, value]) => `\t${name === beside ? '+' : ''}${name} ${caddyQuote(value)}`),
    ...remove.map((name) => `\t-${name}`),
    ...(beside ? ['\tdefer'] : []),
    '}',
    '',
  ].join('\n');
}
