// summary.json and records.json are read back through one schema (src/report/files.ts).
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRecordsFile, readSummaryFile, ResultFileError } from '../../src/report/files.js';
import { buildSummary } from '../../src/verdict/summary.js';
import type { JourneyRecord } from '../../src/report/model.js';

const record = (role: 'baseline' | 'candidate', status: 'passed' | 'failed'): JourneyRecord => ({
  project: role === 'baseline' ? 'baseline' : 'a', role, policyFile: role === 'baseline' ? 'policies/baseline.yaml' : '/p/a.yaml',
  result: { journey: 'login', status, violations: [], upstreamErrors: 0, ...(status === 'failed' ? { error: 'Timeout' } : {}) },
});

test('a summary headerproof wrote reads back; a folder works as well as the file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'files-'));
  const summary = buildSummary([record('baseline', 'passed'), record('candidate', 'failed')], { startedAt: new Date(), durationMs: 5 });
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary));
  expect(readSummaryFile(dir).policies[0]?.verdict).toBe(summary.policies[0]?.verdict);
  expect(readSummaryFile(path.join(dir, 'summary.json'))).toEqual(summary);
});

test('anything else is named with its file and field, never cast', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'files-'));
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ tool: 'headerproof', version: '1', target: 'x', startedAt: '', durationMs: 1, baseline: [], policies: [{ policy: { name: 'a', file: 'a' }, verdict: 'fine', reasons: [], journeys: [] }], exitCode: 0 }));
  expect(() => readSummaryFile(dir)).toThrow(ResultFileError);
  expect(() => readSummaryFile(dir)).toThrow(/summary\.json: not a headerproof summary\.json \(policies\.0\.verdict: /);
  writeFileSync(path.join(dir, 'records.json'), '[{"project":"a"}');
  expect(() => readRecordsFile(dir)).toThrow(/records\.json: not valid JSON/);
  writeFileSync(path.join(dir, 'records.json'), JSON.stringify([{ project: 'a', role: 'judge', policyFile: 'x', result: { journey: 'j', status: 'passed' } }]));
  expect(() => readRecordsFile(dir)).toThrow(/records\.json: not a headerproof records\.json \(0\.role: /);
  expect(() => readSummaryFile(path.join(dir, 'nothing'))).toThrow(/does not exist/);
});
