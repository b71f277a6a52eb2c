// docs/staging.md, "Run it against your staging host", run as written against the lab served
// over HTTPS under a made-up host name with made-up credentials: seed, an origin-preserving run,
// a Playwright-native project run, sharding + merge-reports (same verdicts as one run), an
// API-key run, cleanup — then every file written is searched for the secrets.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { startLab, type LabTarget } from '../../src/apps/immich/lab/server.js';
import { generateCertificate } from '../../src/tls/certificate.js';
import type { Summary } from '../../src/report/model.js';
import { allText, ROOT } from './helpers.js';
import { seed } from '../../src/apps/immich/seed.js';

const HOST = 'photos.staging.test';
const SECTION = '## Run it against your staging host';
const JOURNEYS = 'login,timeline,full-image';
const suffix = Math.random().toString(36).slice(2, 10);
const EMAIL = `qa-${suffix}@staging.test`;
const PASSWORD = `Pw-${suffix}-St4ging!`;
const API_KEY = `hpkey${suffix}${suffix}`;

let lab: LabTarget;
let work: string;
let caFile: string;
/** Everything the commands printed, searched for secrets at the end. */
const printed: string[] = [];

test.describe.configure({ mode: 'serial' });
test.setTimeout(300_000);

/** The docs' staging section's bash blocks (docs/staging.md): exported variable names and npx commands, in order. */
function readmeBlocks(): { exports: string[]; commands: string[] }[] {
  const readme = readFileSync(path.join(ROOT, 'docs', 'staging.md'), 'utf8');
  const start = readme.indexOf(SECTION);
  expect(start, `docs/staging.md has a "${SECTION}" section`).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + SECTION.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => {
    const lines = m[1]!.split('\n').map((l) => l.trim()).filter(Boolean);
    return {
      exports: lines.filter((l) => l.startsWith('export ')).map((l) => l.slice(7).split('=')[0]!),
      commands: lines.filter((l) => l.startsWith('npx ')),
    };
  });
}

function baseEnv(): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEST_|PW_TEST|PLAYWRIGHT_|FORCE_COLOR|HEADERPROOF_|IMMICH_)/.test(k)));
  return {
    ...clean,
    CI: '1',
    HEADERPROOF_TARGET: `https://${HOST}`,
    IMMICH_EMAIL: EMAIL,
    IMMICH_PASSWORD: PASSWORD,
    // The made-up name is in no DNS and its certificate in no trust store: both as the README says.
    HEADERPROOF_CONNECT_TO: `127.0.0.1:${new URL(lab.url).port}`,
    HEADERPROOF_CA_FILE: caFile,
    HEADERPROOF_JOURNEYS: JOURNEYS,
  };
}

/** Runs one README command line (`npx headerproof …` / `npx playwright …`) from the project root. */
function runCommand(line: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const [tool, ...args] = line.replace(/^npx\s+/, '').split(/\s+/);
  const entry = tool === 'headerproof' ? path.join(ROOT, 'bin/headerproof.mjs') : path.join(ROOT, 'node_modules/@playwright/test/cli.js');
  return new Promise((resolve) => {
    // Async: the lab answers from this very process.
    const child = spawn(process.execPath, [entry, ...args], { cwd: ROOT, env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => {
      printed.push(output);
      resolve({ code: code ?? -1, output });
    });
  });
}

const summaryOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;

test.beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'headerproof-staging-'));
  const cert = await generateCertificate([HOST]);
  caFile = path.join(work, 'staging-ca.pem');
  writeFileSync(caFile, cert.cert);
  // A fresh staging host: empty library, its own user who never finished onboarding, no map tiles
  // reachable (map is off).
  lab = await startLab({ tls: cert, empty: true, credentials: { email: EMAIL, password: PASSWORD }, apiKey: API_KEY, map: false, onboarded: false });
});

test.afterAll(async () => {
  await lab?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the README staging commands work as written: seed, origin-preserving run, project run, cleanup', async () => {
  const [main] = readmeBlocks();
  expect(main!.commands.length).toBeGreaterThanOrEqual(4);
  const env = baseEnv();
  for (const name of main!.exports) expect(Object.keys(env), `the README exports ${name}; the test provides it`).toContain(name);

  for (const [i, line] of main!.commands.entries()) {
    const out = path.join(work, `readme-${i}`);
    const r = await runCommand(line, { ...env, HEADERPROOF_OUT: out });
    expect(r.code, `${line}\n${r.output.slice(-3000)}`).toBe(0);

    if (/headerproof seed$/.test(line)) {
      expect(lab.assets.map((a) => a.type).sort()).toEqual(['IMAGE', 'IMAGE', 'IMAGE', 'IMAGE', 'IMAGE', 'VIDEO']);
      expect(lab.assets.filter((a) => a.latitude !== undefined)).toHaveLength(3);
      expect(lab.albums.map((a) => [a.albumName, a.assetIds.length])).toEqual([['headerproof samples', 6]]);
      expect(r.output, 'seed finishes onboarding for the test user').toContain('finished onboarding for the test user');
    } else if (/headerproof run/.test(line)) {
      const summary = summaryOf(out);
      expect(summary.target).toBe(`https://${HOST}`);
      expect(summary.policies.map((p) => [p.policy.name, p.verdict])).toEqual([['bundle-a', 'safe'], ['bundle-c', 'safe']]);
      expect(summary.baseline.map((j) => [j.journey, j.status]).sort()).toEqual([['full-image', 'passed'], ['login', 'passed'], ['timeline', 'passed']]);
      // --preserve-origin: the pages the browser ended on were on the staging name over HTTPS.
      expect(summary.preservedOrigin).toBe(`https://${HOST}`);
    } else if (/playwright test/.test(line)) {
      const summary = summaryOf(out);
      expect(summary.policies.map((p) => p.policy.name)).toEqual(['bundle-c']);
      expect(summary.policies[0]!.journeys.map((j) => [j.journey, j.candidate])).toEqual([['timeline', 'passed']]);
    } else if (/seed --cleanup/.test(line)) {
      expect(lab.assets).toHaveLength(0);
      expect(lab.albums).toHaveLength(0);
    }
  }
});

test('sharding plus merge-reports gives the same verdicts as one run', async () => {
  const [, shards] = readmeBlocks();
  const shardLines = shards!.commands.filter((c) => c.includes('--shard='));
  const mergeLine = shards!.commands.find((c) => c.includes('merge-reports'))!;
  expect(shardLines).toHaveLength(2);
  await seed({ app: 'immich', url: `https://${HOST}`, credentials: { user: EMAIL, password: PASSWORD }, verifyTls: true, preserveOrigin: false, connectTo: { host: '127.0.0.1', port: Number(new URL(lab.url).port) }, ca: readFileSync(caFile, 'utf8') });
  // A safe policy, one that would break the app and one that breaks it, so equal verdicts mean something.
  const env = {
    ...baseEnv(),
    HEADERPROOF_PRESERVE_ORIGIN: '1',
    HEADERPROOF_JOURNEYS: 'login,timeline',
    HEADERPROOF_POLICIES: 'policies/bundle-a.yaml,tests/fixtures/policies/csp-script-self-report-only.yaml,tests/fixtures/policies/csp-script-self-enforced.yaml',
  };

  const single = path.join(work, 'single');
  expect((await runCommand('npx playwright test', { ...env, HEADERPROOF_OUT: single })).code).toBe(1); // a journey fails under csp-script-self

  const blobs = path.join(work, 'all-blob-reports');
  mkdirSync(blobs);
  for (const [i, line] of shardLines.entries()) {
    // Each shard is a separate CI job with its own blob-report/ folder.
    const job = path.join(work, `job-${i + 1}`);
    const r = await runCommand(line, { ...env, PLAYWRIGHT_BLOB_OUTPUT_DIR: job, HEADERPROOF_OUT: path.join(job, 'out') });
    expect([0, 1], r.output.slice(-2000)).toContain(r.code);
    expect(existsSync(path.join(job, 'out', 'summary.json')), 'a shard writes no verdicts').toBe(false);
    for (const f of readdirSync(job).filter((f) => f.endsWith('.zip'))) copyFileSync(path.join(job, f), path.join(blobs, f));
  }
  const merged = path.join(work, 'merged');
  const m = await runCommand(mergeLine.replace('all-blob-reports', blobs), { ...env, HEADERPROOF_OUT: merged });
  expect(m.code, m.output.slice(-2000)).toBe(0);

  const verdicts = (s: Summary) => s.policies.map((p) => ({ policy: p.policy.name, verdict: p.verdict, journeys: p.journeys.map((j) => `${j.journey}:${j.baseline}→${j.candidate}`).sort() }));
  const a = summaryOf(single);
  const b = summaryOf(merged);
  expect(verdicts(a).map((v) => `${v.policy}:${v.verdict}`)).toEqual(['bundle-a:safe', 'csp-script-self:breaks', 'csp-script-self-ro:would-break']);
  expect(verdicts(b)).toEqual(verdicts(a));
  expect(b.baseline.map((j) => `${j.journey}:${j.status}`).sort()).toEqual(a.baseline.map((j) => `${j.journey}:${j.status}`).sort());
  expect(b.preservedOrigin).toBe(`https://${HOST}`);
  // The violations that explain the break survive the merge, on the staging origin.
  const broken = (s: Summary) => [...new Set(s.policies.slice(1).flatMap((p) => p.journeys).flatMap((j) => j.newViolations.map((v) => `${v.kind} ${v.directive} ${v.blockedUrl} ${v.disposition} ${new URL(v.pageUrl).origin}`)))].sort();
  expect(broken(b)).toEqual(broken(a));
  expect(broken(b)).toContain(`csp script-src-elem inline enforce https://${HOST}`);
  expect(broken(b)).toContain(`csp script-src-elem inline report https://${HOST}`);
});

test('an API key alone logs the browser in, once per worker for all its journeys (and its session is deleted afterwards)', async () => {
  const { IMMICH_EMAIL: _e, IMMICH_PASSWORD: _p, ...env } = baseEnv();
  const out = path.join(work, 'api-key');
  // seed works with the key too (the library may be empty after the README's cleanup).
  await seed({ app: 'immich', url: `https://${HOST}`, credentials: { apiKey: API_KEY }, verifyTls: true, preserveOrigin: false, connectTo: { host: '127.0.0.1', port: Number(new URL(lab.url).port) }, ca: readFileSync(caFile, 'utf8') });
  expect(lab.assets.length).toBeGreaterThan(0);
  const issuedBefore = lab.issuedTokens.length;
  const activeBefore = lab.activeSessions();
  const r = await runCommand('npx headerproof run --preserve-origin --policy policies/bundle-a.yaml --journeys login,timeline,search --workers 1', { ...env, IMMICH_API_KEY: API_KEY, HEADERPROOF_OUT: out });
  expect(r.code, r.output.slice(-2000)).toBe(0);
  const s = summaryOf(out);
  const status = (j: string) => s.policies[0]!.journeys.find((x) => x.journey === j);
  expect(status('timeline')?.candidate).toBe('passed');
  expect(status('login')?.candidate).toBe('skipped');
  // Two passes (the baseline's and bundle-a's), each one worker: one session each, not one a journey.
  expect(lab.issuedTokens.length - issuedBefore, 'the API key created one session per worker').toBe(2);
  expect(lab.activeSessions(), 'every session the API key created was deleted').toBe(activeBefore);
});

test('no password, API key, email, token or cookie value appears in any file written or line printed', async () => {
  const files = allText(work).filter((f) => !f.file.endsWith('staging-ca.pem'));
  expect(files.length).toBeGreaterThan(50);
  expect(files.some((f) => f.file.endsWith('index.html') && f.file.includes('playwright') && f.text.includes('timeline'))).toBe(true);
  expect(lab.issuedTokens.length).toBeGreaterThan(3);
  const secrets = [PASSWORD, API_KEY, EMAIL, ...lab.issuedTokens];
  for (const secret of secrets) {
    const leaks = files.filter((f) => f.text.includes(secret) || f.text.includes(encodeURIComponent(secret))).map((f) => path.relative(work, f.file));
    expect(leaks, `a secret appears in ${leaks.join(', ')}`).toEqual([]);
    const inOutput = printed.filter((p) => p.includes(secret));
    expect(inOutput, 'a secret was printed').toEqual([]);
  }
});
