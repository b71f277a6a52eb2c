// What a run leaves for the runs that read it back (re-runs, blame, tune, subset, plan, diff,
// several targets): summary.json and records.json, each checked against one schema as it is read,
// so a file from elsewhere (another tool, another version, a half-written one) is named, not cast.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { JourneyRecord, Summary } from './model.js';

export const SUMMARY_FILE = 'summary.json';
export const RECORDS_FILE = 'records.json';

export class ResultFileError extends Error {}

const status = z.enum(['passed', 'failed', 'skipped', 'interrupted']);
const journeyResult = z.looseObject({ journey: z.string(), status });
const verdict = z.enum(['safe', 'would-break', 'breaks', 'inconclusive']);

/** The fields every reader relies on; the rest (signals, suggestions, blame, …) travel as written. */
const summarySchema = z.looseObject({
  tool: z.literal('headerproof'),
  version: z.string(),
  target: z.string(),
  startedAt: z.string(),
  durationMs: z.number(),
  baseline: z.array(journeyResult),
  policies: z.array(z.looseObject({
    policy: z.looseObject({ name: z.string(), file: z.string() }),
    verdict,
    reasons: z.array(z.string()),
    journeys: z.array(z.looseObject({ journey: z.string() })),
  })),
  exitCode: z.number().int(),
});

const recordsSchema = z.array(z.looseObject({
  project: z.string(),
  role: z.enum(['baseline', 'candidate']),
  policyFile: z.string(),
  result: journeyResult,
}));

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ResultFileError(`${file}: ${existsSync(file) ? `not valid JSON (${(err as Error).message.split('\n')[0]})` : 'does not exist'}`);
  }
}

function problem(file: string, what: string, error: z.ZodError): ResultFileError {
  const i = error.issues[0]!;
  return new ResultFileError(`${file}: not a headerproof ${what} (${i.path.join('.') || '(file)'}: ${i.message}); give the folder of a headerproof run, or run again`);
}

/** A run's summary.json: the file, or the report folder holding one. */
export function readSummaryFile(fileOrDir: string): Summary {
  const file = existsSync(fileOrDir) && statSync(fileOrDir).isDirectory() ? path.join(fileOrDir, SUMMARY_FILE) : fileOrDir;
  const parsed = summarySchema.safeParse(readJson(file));
  if (!parsed.success) throw problem(file, SUMMARY_FILE, parsed.error);
  return parsed.data as unknown as Summary;
}

/** A run's records.json (the journey records behind its verdicts). */
export function readRecordsFile(outDir: string): JourneyRecord[] {
  const file = path.join(outDir, RECORDS_FILE);
  const parsed = recordsSchema.safeParse(readJson(file));
  if (!parsed.success) throw problem(file, RECORDS_FILE, parsed.error);
  return parsed.data as unknown as JourneyRecord[];
}
