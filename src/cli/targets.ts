// `headerproof run --targets a,b,…` (or a config file's "targets"): one run per target, each in a
// folder of the run's own with its own baseline, app profile and credentials, one after the other;
// then one report of policies against targets and the worst exit code.
import { SHIPPED_APP_NAMES } from '../apps/shipped.js';
import { readSummaryFile } from '../report/files.js';
import { DEFAULT_APP } from '../apps/shipped.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findConfigFile, readConfigFile, resolveSettings, type TargetEntry } from '../config/config.js';
import { AppError } from '../apps/index.js';
import { JourneysDirError } from '../harness/journeys.js';
import { selectTargets, targetEnv, TargetsError } from '../config/targets.js';
import { acrossTargets, type TargetOutcome } from '../verdict/across.js';
import { writeAcrossReports } from '../report/across.js';
import type { Summary } from '../report/model.js';
import { availableJourneys, defaultOutDir, parseFailOn, run, UnreachableError, UsageError, type RunOptions } from '../run/run.js';

export interface AcrossOptions extends RunOptions {
  /** Comma-separated target names (config file) or local copies (immich, immich@v1.135, node-red, actual). */
  targets?: string;
}

/** The targets of this run, or undefined for a run against a single target. */
export async function targetsOf(options: AcrossOptions): Promise<{ entries: TargetEntry[]; baseDir: string } | undefined> {
  const file = findConfigFile(process.cwd());
  const config = file ? await readConfigFile(file) : undefined;
  // A target named on the command line (or by HEADERPROOF_TARGET) is a single-target run.
  if (options.targets === undefined && (options.target || process.env.HEADERPROOF_TARGET)) return undefined;
  if (options.targets !== undefined && options.target) throw new UsageError('--targets and --target exclude each other: name the staging hosts as targets in the config file');
  if (options.targets !== undefined && options.app) throw new UsageError(`--targets and --app exclude each other: each target names its app (${SHIPPED_APP_NAMES.join(', ')}, or "app" in the config file's target)`);
  try {
    const entries = selectTargets(options.targets, config, file ? path.relative(process.cwd(), file) || file : 'a config file (there is none here)');
    return entries ? { entries, baseDir: file ? path.dirname(file) : process.cwd() } : undefined;
  } catch (err) {
    if (err instanceof TargetsError) throw new UsageError(err.message);
    throw err;
  }
}

export async function runAcross(options: AcrossOptions, entries: TargetEntry[], baseDir: string): Promise<number> {
  const startedAt = new Date();
  parseFailOn(options.failOn); // a wrong value stops the run before any target's
  const outDir = options.out ? path.resolve(options.out) : defaultOutDir();
  // Every target's environment is built (and checked) before the first one runs.
  let envs: NodeJS.ProcessEnv[];
  try {
    envs = entries.map((t) => targetEnv(t, process.env, baseDir));
  } catch (err) {
    if (err instanceof TargetsError) throw new UsageError(err.message);
    throw err;
  }
  // Each target's settings and journeys are checked before the first one runs: a missing test user
  // or a journey one app does not have stops the run now, not after the other targets' runs.
  const wanted = options.journeys?.split(',').map((j) => j.trim().replace(/@.*$/, '')).filter(Boolean) ?? [];
  for (const [i, entry] of entries.entries()) {
    const settings = await resolveSettings(process.cwd(), envs[i]!);
    if (!wanted.length) continue;
    let known: string[];
    try {
      known = availableJourneys(settings);
    } catch (err) {
      if (err instanceof AppError || err instanceof JourneysDirError) throw new UsageError(`target ${entry.name}: ${err.message}`);
      throw err;
    }
    const unknown = wanted.filter((j) => !known.includes(j));
    if (unknown.length) throw new UsageError(`--journeys: target ${entry.name} has no journey "${unknown[0]}" (its journeys: ${known.join(', ')}); name journeys every target has, or give each target its own "journeys" in the config file`);
  }
  const outcomes: TargetOutcome[] = [];
  for (const [i, entry] of entries.entries()) {
    const folder = entry.name;
    if (!options.quiet) console.log(`\nheaderproof: target ${i + 1}/${entries.length}: ${entry.name}${entry.target ? ` (${entry.target})` : ` (the local ${entry.app ?? DEFAULT_APP}${entry.version ? ` as ${entry.version}` : ''})`}`);
    const { targets: _ignored, ...single } = options;
    const code = await run({ ...single, env: envs[i], out: path.join(outDir, folder) });
    const file = path.join(outDir, folder, 'summary.json');
    if (!existsSync(file)) throw new UnreachableError(`target ${entry.name}: its run left no results (${path.join(outDir, folder)})`);
    const own = readSummaryFile(file);
    // The target's exit code as its run gave it (--fail-on decides whether would-break fails).
    outcomes.push({ name: entry.name, folder, summary: { ...own, exitCode: code } });
  }
  const summary = acrossTargets(outcomes, { startedAt, durationMs: Date.now() - startedAt.getTime() });
  const files = writeAcrossReports(outDir, summary);
  if (!options.quiet) {
    const width = Math.max(8, ...summary.policies.map((p) => p.policy.length));
    console.log(`\nheaderproof: ${summary.policies.length} policies × ${summary.targets.length} targets\n  ${'policy'.padEnd(width)}  ${'everywhere'.padEnd(12)} ${summary.targets.map((t) => t.name.padEnd(12)).join(' ')}`);
    for (const p of summary.policies) console.log(`  ${p.policy.padEnd(width)}  ${p.worst.padEnd(12)} ${p.verdicts.map((v) => v.verdict.padEnd(Math.max(12, v.target.length))).join(' ')}`);
    if (summary.upgrades.length) console.log(`\nWhat the upgrade changed:\n  ${summary.upgrades.map((u) => u.line).join('\n  ')}`);
    console.log(`\nReport: ${path.relative(process.cwd(), files.html) || files.html}`);
  }
  return summary.exitCode;
}
