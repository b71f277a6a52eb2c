// Issue 28: headerproof used from a repository of the user's own. The packed tarball is installed
// into an empty folder the way a user installs it (npm, from the registry for its dependencies),
// `npx headerproof init` writes the starter files, their CI workflows pass their published schemas'
// validators, and `npx headerproof run` proves the shipped bundles on the bundled lab from
// there — compiled JavaScript only (no tsx, no sources), with the user's own TypeScript journey
// importing `headerproof/fixtures` from the installed package.
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { cleanEnv, ROOT } from './helpers.js';
import type { Summary } from '../../src/report/model.js';

interface Ran { code: number; out: string }

/** A command in a folder, with the environment a user's shell has (no test-runner variables). */
function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const clean = cleanEnv(/^(HEADERPROOF_|IMMICH_|npm_)/);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...clean, HEADERPROOF_RETRIES: '0', ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
const git = (dir: string, ...args: string[]) => sh('git', ['-c', 'user.email=ci@example.org', '-c', 'user.name=ci', ...args], dir);

/** gitlab-ci-local validates a folder's .gitlab-ci.yml (with its local include) against GitLab's CI schema: it reads a git repository. */
async function expectGitlabValid(dir: string): Promise<void> {
  expect((await git(dir, 'init', '-q')).code).toBe(0);
  expect((await git(dir, 'add', '.gitlab-ci.yml', '.gitlab')).code).toBe(0);
  expect((await git(dir, 'commit', '-qm', 'ci')).code).toBe(0);
  const gl = await sh(bin('gitlab-ci-local'), ['--list'], dir);
  expect(gl.code, gl.out).toBe(0);
  expect(gl.out).toContain('json schema validated');
}

test('the packed package installs in an empty folder; init and run work from there, compiled', async () => {
  test.setTimeout(15 * 60_000);
  const work = mkdtempSync(path.join(os.tmpdir(), 'headerproof-package-'));
  const repo = path.join(work, 'edge-config');
  try {
    let tarball = '';
    await test.step('npm pack compiles the TypeScript into the tarball', async () => {
      const packed = await sh('npm', ['pack', '--pack-destination', work, '--json'], ROOT);
      expect(packed.code, packed.out).toBe(0);
      tarball = path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
      const listing = (await sh('tar', ['tzf', tarball], work)).out.split('\n');
      expect(listing).toContain('package/dist/src/cli/main.js');
      expect(listing).toContain('package/dist/playwright.config.js');
      expect(listing).toContain('package/dist/src/apps/immich/journeys/timeline.spec.js');
      expect(listing).toContain('package/dist/src/harness/fixtures.d.ts');
      expect(listing).toContain('package/policies/bundle-a.yaml');
      expect(listing.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'only the example journey ships as TypeScript').toEqual(['package/examples/journeys/newest-photo.spec.ts']);
    });

    await test.step('it installs as a dev dependency of an empty project', async () => {
      cpSync(path.join(ROOT, 'tests/fixtures/user-repo'), repo, { recursive: true });
      // better-sqlite3's install fetches its prebuilt binary from GitHub, which CI cannot reach (it
      // then compiles for a minute). prebuild-install's own "local prebuilds" folder hands it the
      // binary this clone built, packed as the release asset is.
      const prebuilds = path.join(work, 'prebuilds');
      const sqlite = path.join(ROOT, 'node_modules', 'better-sqlite3');
      const version = (JSON.parse(readFileSync(path.join(sqlite, 'package.json'), 'utf8')) as { version: string }).version;
      mkdirSync(prebuilds);
      const asset = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
      expect((await sh('tar', ['czf', path.join(prebuilds, asset), '-C', sqlite, 'build/Release/better_sqlite3.node'], work)).code).toBe(0);
      const installed = await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-dev', tarball], repo, { npm_config_better_sqlite3_local_prebuilds: prebuilds });
      expect(installed.code, installed.out).toBe(0);
      const loads = await sh('node', ['-e', "new (require('better-sqlite3'))(':memory:').prepare('select 1 as one').get().one === 1 || process.exit(1)"], repo);
      expect(loads.code, `the installed better-sqlite3 works: ${loads.out}`).toBe(0);
      const pkg = path.join(repo, 'node_modules', 'headerproof');
      expect(existsSync(path.join(pkg, 'dist/src/cli/main.js'))).toBe(true);
      expect(existsSync(path.join(pkg, 'src')), 'no sources in the package').toBe(false);
      expect(existsSync(path.join(repo, 'node_modules', 'tsx')), 'nothing needs tsx at run time').toBe(false);
    });

    await test.step('init writes the starter files and keeps what is there', async () => {
      writeFileSync(path.join(repo, '.gitignore'), 'node_modules/\n');
      const init = await sh('npx', ['headerproof', 'init'], repo);
      expect(init.code, init.out).toBe(0);
      for (const f of ['headerproof.config.ts', 'policies/bundle-a.yaml', 'policies/bundle-e.yaml', 'policies/immich-recommended.yaml', 'journeys/newest-photo.spec.ts', '.github/workflows/headerproof.yml', '.gitlab/headerproof.gitlab-ci.yml', '.gitlab-ci.yml']) {
        expect(existsSync(path.join(repo, f)), f).toBe(true);
      }
      expect(readFileSync(path.join(repo, '.gitignore'), 'utf8')).toBe('node_modules/\n# headerproof\'s runs (CI keeps reports/ci/ as an artifact)\nreports/\n');
      // A second init overwrites nothing: an edited file stays as the user left it.
      const bundleA = path.join(repo, 'policies/bundle-a.yaml');
      writeFileSync(bundleA, YAML.stringify({ ...(YAML.parse(readFileSync(bundleA, 'utf8')) as object), description: 'ours' }));
      const again = await sh('npx', ['headerproof', 'init'], repo);
      expect(again.code, again.out).toBe(0);
      expect(again.out).toContain('kept  policies/bundle-a.yaml (it exists; not overwritten)');
      expect(again.out).not.toContain('wrote');
      expect(readFileSync(path.join(repo, 'policies/bundle-a.yaml'), 'utf8')).toContain('description: ours');
      expect(readFileSync(path.join(repo, '.gitignore'), 'utf8').match(/^reports\/$/gm)).toHaveLength(1);
      const wrong = await sh('npx', ['headerproof', 'init', '--app', 'wordpress'], repo);
      expect(wrong.code).toBe(2);
      expect(wrong.out).toContain('--app: "wordpress" is not an app init knows; use one of immich, node-red, actual');
      expect(wrong.out).not.toMatch(/\n\s+at /);
    });

    await test.step('the workflows pass their published schemas (and a broken copy does not)', async () => {
      const workflow = path.join(repo, '.github/workflows/headerproof.yml');
      const gh = await sh(bin('action-validator'), [workflow], repo);
      expect(gh.code, gh.out).toBe(0);
      const text = readFileSync(workflow, 'utf8');
      expect(text).toContain('npx headerproof run --out reports/ci --fail-on breaks');
      expect(text).toContain('IMMICH_PASSWORD: ${{ secrets.IMMICH_PASSWORD }}');
      const broken = path.join(work, 'broken.yml');
      writeFileSync(broken, text.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'));
      expect((await sh(bin('action-validator'), [broken], repo)).code).not.toBe(0);

      // gitlab-ci-local validates .gitlab-ci.yml (with its local include) against GitLab's CI schema.
      await expectGitlabValid(repo);
      const job = path.join(repo, '.gitlab/headerproof.gitlab-ci.yml');
      const jobText = readFileSync(job, 'utf8');
      expect(jobText).toContain('npx headerproof run --out reports/ci --fail-on breaks');
      writeFileSync(job, jobText.replace('when: always', 'when: sometimes'));
      await git(repo, 'commit', '-qam', 'broken');
      const glBroken = await sh(bin('gitlab-ci-local'), ['--list'], repo);
      expect(glBroken.code).not.toBe(0);
      expect(glBroken.out).toContain('headerproof.artifacts.when');
      writeFileSync(job, jobText);
      rmSync(path.join(repo, '.gitlab-ci-local'), { recursive: true, force: true });
    });

    await test.step('init --shards 2: the sharded workflows pass the same schemas', async () => {
      const sharded = path.join(work, 'sharded');
      mkdirSync(sharded);
      const init = await sh('npx', ['headerproof', 'init', '--shards', '2', '--dir', sharded], repo);
      expect(init.code, init.out).toBe(0);
      const gh = await sh(bin('action-validator'), [path.join(sharded, '.github/workflows/headerproof.yml')], sharded);
      expect(gh.code, gh.out).toBe(0);
      expect(readFileSync(path.join(sharded, '.github/workflows/headerproof.yml'), 'utf8')).toContain('--shard=${{ matrix.shard }}/2 --reporter=blob');
      await expectGitlabValid(sharded);
      const bad = await sh('npx', ['headerproof', 'init', '--shards', '99', '--dir', sharded], repo);
      expect(bad.code).toBe(2);
      expect(bad.out).toContain('--shards: a number from 1 to 20');
    });

    await test.step('npx headerproof run: the shipped bundles on the lab, from the user\'s folder', async () => {
      const ran = await sh('npx', ['headerproof', 'run', '--journeys', 'login,timeline,full-image', '--out', 'reports/first'], repo);
      expect(ran.code, ran.out).toBe(0);
      const summary = JSON.parse(readFileSync(path.join(repo, 'reports/first/summary.json'), 'utf8')) as Summary;
      expect(summary.policies.map((p) => `${p.policy.name}: ${p.verdict}`).sort()).toEqual(['bundle-a', 'bundle-b', 'bundle-c', 'bundle-d', 'bundle-e', 'bundle-f', 'immich-recommended'].map((n) => `${n}: safe`));
      // The policies read were the user's copies (the edited description), not the package's.
      expect(summary.policies.find((p) => p.policy.name === 'bundle-a')!.policy.description).toBe('ours');
      expect(summary.baseline.map((j) => `${j.journey}: ${j.status}`).sort()).toEqual(['full-image: passed', 'login: passed', 'timeline: passed']);
      expect(readFileSync(path.join(repo, 'reports/first/index.html'), 'utf8')).toContain('bundle-e');
      expect(readFileSync(path.join(repo, 'reports/first/summary.md'), 'utf8')).toContain('immich-recommended');
      expect(existsSync(path.join(repo, 'node_modules/headerproof/test-results')), 'nothing written into the package').toBe(false);
    });

    await test.step('the user\'s own TypeScript journey runs with the installed fixtures', async () => {
      const ran = await sh('npx', ['headerproof', 'run', '--journeys-dir', 'journeys', '--policy', 'policies/bundle-c.yaml', '--out', 'reports/own'], repo);
      expect(ran.code, ran.out).toBe(0);
      const summary = JSON.parse(readFileSync(path.join(repo, 'reports/own/summary.json'), 'utf8')) as Summary;
      expect(summary.baseline.map((j) => `${j.journey}: ${j.status}`)).toEqual(['newest-photo: passed']);
      expect(summary.policies.map((p) => `${p.policy.name}: ${p.verdict}`)).toEqual(['bundle-c: safe']);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
