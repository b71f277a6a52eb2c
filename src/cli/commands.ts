// The lint and audit commands' printing: tables for people, JSON for machines.
import { readSummaryFile, ResultFileError } from '../report/files.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { flagsToEnv, resolveSettings, upstreamOf } from '../config/config.js';
import { appProfile } from '../apps/index.js';
import { upstreamAgent } from '../proxy/upstream.js';
import path from 'node:path';
import { loadPolicy } from '../policy/policy.js';
import type { Summary } from '../report/model.js';
import { lintPolicy } from '../lint/lint.js';
import { auditFindings, headerDrift, type AuditResult } from '../audit/audit.js';
import { fetchAuditUrls } from '../audit/fetch.js';
import { UnreachableError, UsageError } from '../run/run.js';

export async function lintCommand(files: string[], opts: { json?: boolean; app?: string }): Promise<number> {
  // The app behind the policy (--app, HEADERPROOF_APP or the config's; default immich): the features it needs.
  const app = appProfile((await resolveSettings(process.cwd(), { ...process.env, ...flagsToEnv({ app: opts.app }) }, { needCredentials: false })).app);
  const results = files.map((file) => ({ file, findings: lintPolicy(loadPolicy(file), app) }));
  if (opts.json) console.log(JSON.stringify(results, null, 2));
  else {
    for (const { file, findings } of results) {
      console.log(`${file}: ${findings.length ? `${findings.length} finding(s)` : 'no findings'}`);
      for (const f of findings) {
        console.log(`  ${f.severity.toUpperCase().padEnd(6)} ${f.header}${f.directive ? ` ${f.directive}` : ''}: ${f.message}\n         fix: ${f.fix}`);
      }
    }
  }
  return results.some((r) => r.findings.some((f) => f.severity === 'high')) ? 1 : 0;
}

export async function auditCommand(url: string, opts: { app?: string; policy?: string; json?: boolean; insecure?: boolean; caFile?: string; connectTo?: string }): Promise<number> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new UsageError(`"${url}" is not a URL; use e.g. https://photos-staging.example.org`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new UsageError(`the URL must be http:// or https://, got ${target.protocol}`);
  const policy = opts.policy ? loadPolicy(opts.policy) : undefined;
  // The same connection rules as run and seed (a private CA, an address DNS does not know).
  // Audit needs no login (credentials only add the thumbnail and video URLs).
  const settings = await resolveSettings(process.cwd(), { ...process.env, HEADERPROOF_PRESERVE_ORIGIN: '0', ...flagsToEnv({ ...opts, target: target.origin }) }, { needCredentials: false });
  const agent = upstreamAgent(target, upstreamOf(settings));
  let fetched;
  try {
    const app = appProfile(settings.app);
    const login = settings.credentials && !('apiKey' in settings.credentials) ? settings.credentials : undefined;
    fetched = await fetchAuditUrls(target.origin, { app, ...(login ? { credentials: { user: login.user, password: login.password } } : {}), insecure: opts.insecure, agent });
  } catch (err) {
    throw new UnreachableError(`target ${target.origin} unreachable: ${(err as { code?: string }).code ?? (err as Error).message}`);
  } finally {
    agent.destroy();
  }
  const result: AuditResult = {
    target: target.origin,
    ...fetched,
    findings: auditFindings(fetched.urls, target.protocol === 'https:'),
    ...(policy ? { drift: headerDrift(fetched.urls, policy) } : {}),
  };
  if (opts.json) console.log(JSON.stringify(result, null, 2));
  else printAudit(result, policy?.name);
  const serious = result.findings.some((f) => f.severity !== 'info');
  return serious || (result.drift?.length ?? 0) > 0 ? 1 : 0;
}

function printAudit(r: AuditResult, policyName?: string): void {
  console.log(`Audit of ${r.target}`);
  console.log('\n  role          status  path');
  for (const u of r.urls) console.log(`  ${u.role.padEnd(13)} ${String(u.status).padEnd(7)} ${u.path}`);
  for (const s of r.skipped) console.log(`  ${s.role.padEnd(13)} skipped ${s.why}`);
  console.log(`\nFindings (${r.findings.length}):`);
  for (const f of r.findings) console.log(`  ${f.severity.toUpperCase().padEnd(6)} ${f.id.padEnd(26)} ${f.message} [${f.roles.join(', ')}]\n         fix: ${f.fix}`);
  if (r.drift) {
    console.log(`\nDrift from policy ${policyName} (${r.drift.length}):`);
    for (const d of r.drift) console.log(`  ${d.role.padEnd(13)} ${d.header}: expected ${d.expected === null ? '(absent)' : JSON.stringify(d.expected)}, served ${d.actual === null ? '(absent)' : JSON.stringify(d.actual)}`);
    if (!r.drift.length) console.log('  none: the edge serves exactly the tested headers');
  }
}

/** Reads a summary.json (or the report folder holding one), with a clear error for anything else. */
export function readSummary(file: string): Summary {
  if (!existsSync(file)) throw new UsageError(`${file}: no such summary.json (give a report folder or its summary.json)`);
  try {
    return readSummaryFile(file);
  } catch (err) {
    if (err instanceof ResultFileError) throw new UsageError(err.message);
    throw err;
  }
}
