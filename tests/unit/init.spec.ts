// `headerproof init`: what it writes for each app, and that it never overwrites a file.
import { test, expect } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initPlan, InitError, writeInit } from '../../src/init/init.js';
import { fixturesProblem } from '../../src/harness/journeys.js';
import { COMMENT_MARKER } from '../../src/init/templates.js';
import YAML from 'yaml';
import { spawnSync } from 'node:child_process';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('init plans the config, the bundles, the example journey and both CI recipes with the app\'s secrets', () => {
  const immich = initPlan('immich');
  expect(immich.map((f) => f.path)).toEqual(['headerproof.config.ts', 'policies/bundle-a.yaml', 'policies/bundle-b.yaml', 'policies/bundle-c.yaml', 'policies/bundle-d.yaml', 'policies/bundle-e.yaml', 'policies/bundle-f.yaml', 'policies/immich-recommended.yaml', 'journeys/newest-photo.spec.ts', '.github/workflows/headerproof.yml', '.gitlab/headerproof.gitlab-ci.yml']);
  const config = immich[0]!.content;
  expect(config).toContain("app: 'immich'");
  expect(config).toContain("    'policies/immich-recommended.yaml',");
  expect(config).not.toMatch(/password:|apiKey:/);
  const github = immich.find((f) => f.path.endsWith('headerproof.yml'))!.content;
  expect(github).toContain('IMMICH_EMAIL: ${{ secrets.IMMICH_EMAIL }}');
  expect(github).toContain('if [ -z "$HEADERPROOF_TARGET" ]; then');
  // Node-RED gets its own variables, no Immich policy and no Immich journey.
  const nodeRed = initPlan('node-red');
  expect(nodeRed.map((f) => f.path)).not.toContain('policies/immich-recommended.yaml');
  expect(nodeRed.map((f) => f.path)).not.toContain('journeys/newest-photo.spec.ts');
  expect(nodeRed[0]!.content).toContain("app: 'node-red'");
  expect(nodeRed.find((f) => f.path.startsWith('.gitlab/'))!.content).toContain('CI/CD variables (Settings → CI/CD → Variables, masked): HEADERPROOF_TARGET, NODE_RED_USER, NODE_RED_PASSWORD');
  expect(() => initPlan('wordpress')).toThrow(InitError);
});

test('init keeps every existing file and asks to include the GitLab job in an existing .gitlab-ci.yml', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'headerproof-init-'));
  try {
    writeFileSync(path.join(dir, 'headerproof.config.ts'), 'export default {};\n');
    writeFileSync(path.join(dir, '.gitlab-ci.yml'), 'build:\n  script: [make]\n');
    writeFileSync(path.join(dir, '.gitignore'), 'node_modules/');
    const first = writeInit(dir, 'actual');
    expect(first.kept).toEqual(['headerproof.config.ts']);
    expect(readFileSync(path.join(dir, 'headerproof.config.ts'), 'utf8')).toBe('export default {};\n');
    expect(readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8')).toBe('build:\n  script: [make]\n');
    expect(first.notes.join('\n')).toContain('- local: .gitlab/headerproof.gitlab-ci.yml');
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\n# headerproof\'s runs (CI keeps reports/ci/ as an artifact)\nreports/\n');
    const second = writeInit(dir, 'actual');
    expect(second.written).toEqual([]);
    expect(second.kept).toContain('.github/workflows/headerproof.yml');
    expect(() => writeInit(path.join(dir, 'missing'))).toThrow(/does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('own journeys that import headerproof/fixtures need headerproof installed in their project, or a clone and ES modules', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'headerproof-own-'));
  try {
    const journeys = path.join(dir, 'journeys');
    mkdirSync(journeys);
    writeFileSync(path.join(journeys, 'plain.spec.ts'), "import { test } from '@playwright/test';\n");
    expect(fixturesProblem(journeys, '/usr/lib/node_modules/headerproof')).toBeUndefined();
    writeFileSync(path.join(journeys, 'mine.spec.ts'), "import { test, expect } from 'headerproof/fixtures';\n");
    expect(fixturesProblem(journeys, '/usr/lib/node_modules/headerproof')).toBe('journeysDir: mine.spec.ts imports headerproof/fixtures, which resolves only where headerproof is installed in your project: run npm install --save-dev headerproof there (a global install runs the shipped journeys only)');
    // From a clone, a folder anywhere: its journeys must be ES modules (the clone maps the name).
    expect(fixturesProblem(journeys, ROOT)).toBe(`journeysDir: mine.spec.ts is loaded as CommonJS, and headerproof/fixtures is an ES module: put a package.json with {"type": "module"} in ${journeys}`);
    writeFileSync(path.join(journeys, 'package.json'), '{"type": "module"}\n');
    expect(fixturesProblem(journeys, ROOT)).toBeUndefined();
    rmSync(path.join(journeys, 'package.json'));
    mkdirSync(path.join(dir, 'node_modules', 'headerproof'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules', 'headerproof', 'package.json'), '{}');
    expect(fixturesProblem(journeys, '/usr/lib/node_modules/headerproof')).toBeUndefined();
    // Inside headerproof's own clone the package resolves itself.
    expect(fixturesProblem(path.join(ROOT, 'examples', 'journeys'), ROOT)).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the change request gets the verdict table: the job summary and one comment (GitHub) or note (GitLab) each run updates in place', () => {
  const plan = initPlan('immich');
  const github = YAML.parse(plan.find((f) => f.path.endsWith('headerproof.yml'))!.content) as { jobs: { headerproof: { steps: { name?: string; run?: string; with?: { script?: string } }[] } } };
  const steps = github.jobs.headerproof.steps;
  expect(steps.find((s) => s.name?.includes('job summary'))?.run).toBe('cat reports/ci/summary.md >> "$GITHUB_STEP_SUMMARY"');
  const script = steps.find((s) => s.with?.script)!.with!.script!;
  expect(script).toContain(COMMENT_MARKER);
  expect(script).toContain('updateComment');
  expect(script).toContain('createComment');
  // The script is JavaScript github-script can run (an async function body): it compiles.
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => unknown;
  expect(() => new AsyncFunction('github', 'context', 'require', script)).not.toThrow();
  const gitlab = YAML.parse(plan.find((f) => f.path.startsWith('.gitlab/'))!.content) as { headerproof: { after_script: string[] } };
  const after = gitlab.headerproof.after_script.join('\n');
  const node = /node -e '([\s\S]*?)' reports\/ci\/summary\.md/.exec(after)?.[1];
  expect(node, 'the note is written by a node script').toBeTruthy();
  expect(node).toContain(COMMENT_MARKER);
  expect(node).toContain('"PUT"');
  expect(() => new Function(node!)).not.toThrow();
});

test('init --shards: the journeys spread over runners, one merge makes one report, and the merge fails on breaks only', async () => {
  expect(() => initPlan('immich', 0)).toThrow(/--shards: a number from 1 to 20/);
  const plan = initPlan('immich', 3);
  const githubText = plan.find((f) => f.path.endsWith('headerproof.yml'))!.content;
  const github = YAML.parse(githubText) as { jobs: Record<string, { strategy?: { matrix: { shard: number[] } }; needs?: string; steps: { name?: string; run?: string; with?: Record<string, unknown> }[] }> };
  expect(github.jobs.headerproof!.strategy!.matrix.shard).toEqual([1, 2, 3]);
  expect(github.jobs.headerproof!.steps.map((s) => s.run ?? '').join('\n')).toContain('npx playwright test --config node_modules/headerproof/dist/playwright.config.js --shard=${{ matrix.shard }}/3 --reporter=blob');
  const merge = github.jobs.verdicts!;
  expect(merge.needs).toBe('headerproof');
  expect(merge.steps.find((s) => s.with?.pattern)?.with).toMatchObject({ pattern: 'headerproof-blob-*', 'merge-multiple': true });
  expect(merge.steps.map((s) => s.run ?? '').join('\n')).toContain('npx playwright merge-reports --config node_modules/headerproof/dist/playwright.config.js all-blob-reports');
  const gitlabText = plan.find((f) => f.path.startsWith('.gitlab/'))!.content;
  const gitlab = YAML.parse(gitlabText) as Record<string, { parallel?: number; stage?: string; script: string[] }>;
  expect(gitlab.headerproof!.parallel).toBe(3);
  expect(gitlab['headerproof-verdicts']!.stage).toBe('.post');

  const dir = mkdtempSync(path.join(os.tmpdir(), 'headerproof-shards-'));
  try {
    // GitHub's published workflow schema accepts the file (action-validator, as CI's recipe is checked).
    const workflow = path.join(dir, 'headerproof.yml');
    writeFileSync(workflow, githubText);
    const validator = spawnSync(path.join(ROOT, 'node_modules/.bin/action-validator'), [workflow], { encoding: 'utf8' });
    expect(validator.status, validator.stdout + validator.stderr).toBe(0);
    // The merge's last step: exit 1 when a policy breaks, 3 when nothing was decided, else 0.
    const failStep = merge.steps.at(-1)!.run!;
    expect(failStep).toBe(gitlab['headerproof-verdicts']!.script[1]);
    const script = /node -e '([^']*)'/.exec(failStep)![1]!;
    const exitFor = (summary: unknown) => {
      const file = path.join(dir, 'summary.json');
      writeFileSync(file, JSON.stringify(summary));
      return spawnSync(process.execPath, ['-e', script, file], { encoding: 'utf8' });
    };
    const p = (name: string, verdict: string) => ({ policy: { name }, verdict });
    const breaks = exitFor({ policies: [p('a', 'safe'), p('b', 'breaks')], exitCode: 1 });
    expect(breaks.status).toBe(1);
    expect(breaks.stderr).toContain('these policies break a journey - b');
    expect(exitFor({ policies: [p('a', 'would-break')], exitCode: 1 }).status).toBe(0);
    expect(exitFor({ policies: [p('a', 'inconclusive')], exitCode: 3 }).status).toBe(3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
