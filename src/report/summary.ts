// From per-test journey records to the Summary (verdict per policy), and onto disk.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { engineOfJourney, FIREFOX_SUFFIX, type Engine } from '../harness/engines.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { JourneyRecord, JourneyResult, RanAlone, RanAloneWhy, Summary } from './model.js';
import { reportsOnly } from '../policy/reports-only.js';
import { RECORDS_FILE } from './files.js';

export type { JourneyRecord };


/** Whether a record's journey is one a re-run of `list` runs (a plain name runs in every desktop engine). */
function rerunCovers(list: string[], journey: string): boolean {
  return list.includes(journey) || (journey.endsWith(FIREFOX_SUFFIX) && list.includes(journey.slice(0, -FIREFOX_SUFFIX.length)));
}

/**
 * The records after a split's re-run (in `folder`): the re-run members' records of the journeys it
 * ran are replaced by the fresh ones; their other records (journeys that were clean for every member
 * of the shared pass, so each alone would pass them clean) stay, as the member's own, no longer part
 * of a shared pass. Fresh shared groups are named after their folder, apart from this run's passes.
 */
export function mergeSplit(records: JourneyRecord[], fresh: JourneyRecord[], members: Set<string>, journeys: string[] | undefined, folder: string): JourneyRecord[] {
  const replaced = (r: JourneyRecord) => r.role === 'candidate' && members.has(r.project) && (!journeys || rerunCovers(journeys, r.result.journey));
  const kept = records.filter((r) => !replaced(r)).map((r) => {
    if (r.role !== 'candidate' || !members.has(r.project) || !r.sharedPass) return r;
    const { sharedPass: _pass, ...own } = r;
    return own;
  });
  const moved = fresh.filter((r) => r.role === 'candidate').map((r) => ({
    ...r,
    ...(r.sharedPass ? { sharedPass: `${folder}/${r.sharedPass}` } : {}),
    ...(r.result.screenshot ? { result: { ...r.result, screenshot: path.join(folder, r.result.screenshot) } } : {}),
  }));
  return [...kept, ...moved];
}

/** A failure held back this long by the proxy's pacing may be the pacing's doing: it runs again alone. */
export const PACED_RERUN_MS = 5000;

/**
 * Candidate failures that may not be the policy's, each run again alone (one worker, so the host's
 * whole budget is its own), grouped by policy (project), engine and why:
 * - `paced`: the journey failed (after its retries) while the proxy held its requests back for
 *   PACED_RERUN_MS or more to stay inside the host's limit;
 * - `reports-only`: it failed under a policy that changes nothing a page does (every header it serves
 *   only reports), so the host or the machine's load failed it, never the policy.
 * Only journeys that passed without the policy; failures held back for less under a policy that
 * acts, or already run again alone, stand.
 */
export function pacedFailures(records: JourneyRecord[]): { project: string; policyFile: string; engine: Engine; journeys: string[]; why: RanAloneWhy }[] {
  const baselinePassed = new Set(records.filter((r) => r.role === 'baseline' && r.result.status === 'passed').map((r) => r.result.journey));
  const groups = new Map<string, { project: string; policyFile: string; engine: Engine; journeys: string[]; why: RanAloneWhy }>();
  for (const r of records) {
    if (r.role !== 'candidate' || r.result.status !== 'failed' || r.result.ranAlone) continue;
    const model = r.attachment?.policy.model;
    const why = model && reportsOnly(model) ? 'reports-only' : (r.result.heldBackMs ?? 0) >= PACED_RERUN_MS ? 'paced' : undefined;
    if (!why || !baselinePassed.has(r.result.journey)) continue;
    const engine: Engine = r.result.browser ?? engineOfJourney(r.result.journey);
    const key = `${r.project}\0${engine}\0${why}`;
    const g = groups.get(key) ?? { project: r.project, policyFile: r.policyFile, engine, journeys: [], why };
    g.journeys.push(r.result.journey);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/**
 * Baseline failures headerproof's own pacing may have caused (held back PACED_RERUN_MS or more, not
 * run again alone yet), by engine: each engine's run again alone, one worker, before any candidate's
 * (a baseline that failed only under the pacing would make every policy's verdict inconclusive).
 */
export function pacedBaselineFailures(records: JourneyRecord[]): { engine: Engine; journeys: string[] }[] {
  const groups = new Map<Engine, string[]>();
  for (const r of records) {
    if (r.role !== 'baseline' || r.result.status !== 'failed' || r.result.ranAlone || (r.result.heldBackMs ?? 0) < PACED_RERUN_MS) continue;
    const engine: Engine = r.result.browser ?? engineOfJourney(r.result.journey);
    groups.set(engine, [...(groups.get(engine) ?? []), r.result.journey]);
  }
  return [...groups.entries()].map(([engine, journeys]) => ({ engine, journeys }));
}

/**
 * The records after a failure's run of its own (in `folder`): exactly the re-run journeys'
 * records of that project (or of the baseline, `project` undefined) are replaced, each marked with
 * how long its first try was held back.
 */
export function mergeRanAlone(records: JourneyRecord[], fresh: JourneyRecord[], project: string | undefined, firstHeldBack: Map<string, number>, folder: string, why: RanAlone['why'] = 'paced'): JourneyRecord[] {
  const role = project === undefined ? 'baseline' : 'candidate';
  const ours = (r: JourneyRecord) => r.role === role && (project === undefined || r.project === project);
  const freshByJourney = new Map(fresh.filter((r) => ours(r) && firstHeldBack.has(r.result.journey)).map((r) => [r.result.journey, r]));
  return records.map((r) => {
    const f = ours(r) ? freshByJourney.get(r.result.journey) : undefined;
    if (!f) return r;
    const { sharedPass: _pass, ...rest } = f;
    const result: JourneyResult = { ...f.result, ranAlone: { firstHeldBackMs: firstHeldBack.get(r.result.journey)!, firstError: r.result.error ?? '', why }, ...(f.result.screenshot ? { screenshot: path.join(folder, f.result.screenshot) } : {}) };
    return { ...rest, result };
  });
}

export function writeReports(outDir: string, summary: Summary): { html: string; json: string; md: string } {
  mkdirSync(outDir, { recursive: true });
  const files = { json: path.join(outDir, 'summary.json'), html: path.join(outDir, 'index.html'), md: path.join(outDir, 'summary.md') };
  writeFileSync(files.json, JSON.stringify(summary, null, 2) + '\n');
  // Screenshots are embedded (data: URIs) so the page stays one self-contained file.
  const image = (rel: string) => {
    const file = path.join(outDir, rel);
    return existsSync(file) ? `data:image/png;base64,${readFileSync(file).toString('base64')}` : undefined;
  };
  writeFileSync(files.html, renderHtml(summary, image));
  writeFileSync(files.md, renderMarkdown(summary));
  return files;
}

export function writeRecords(outDir: string, records: JourneyRecord[]): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, RECORDS_FILE), JSON.stringify(records));
}


export function defaultRunDir(now = new Date()): string {
  return path.join('reports', `run-${now.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}`);
}
