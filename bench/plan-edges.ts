// npm run bench:plan-edges -- <plan folder> — issue 36's last check: a proven stage's nginx and Caddy
// exports, served for real in front of each app, give the verdicts the proxy gave. For every app of the
// plan (its local copy, started fresh) and each edge, the stage's two layers (the shared one and the
// app's own) are included in Debian's nginx or Caddy in front of it, and a run of a policy that
// changes nothing (its project only, no baseline beside it) sends every journey through that edge in
// the plan's engines: the edge's
// headers are then the page's own headers. The stage is served right when every journey passes there
// and no CSP violation is enforced — what `safe` meant for the proxy. Writes
// reports/bench/plan-edges.json and .md. Options: --stage <names> (comma-separated; default: every exported stage),
// --browsers <list> (default: the plan's).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PlanResult } from '../src/plan/plan.js';
import type { Summary } from '../src/report/model.js';
import { appProfile } from '../src/apps/index.js';
import { availableJourneys, run } from '../src/run/run.js';
import { CADDY, NGINX, startCaddySites, startNginxSites } from '../tests/support/edges.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'reports', 'bench');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

interface Row { stage: string; target: string; edge: string; proxy: string; journeys: number; passed: number; enforcedCsp: number; served: 'same' | 'DIFFERENT'; seconds: number; failing: string[] }

const planDir = path.resolve(process.argv[2] ?? '');
if (!process.argv[2] || !existsSync(path.join(planDir, 'plan.json'))) {
  console.error('usage: npm run bench:plan-edges -- <a plan folder, with plan.json> [--stage csp-report-only,csp-enforced] [--browsers chromium,firefox]');
  process.exit(2);
}
const plan = JSON.parse(readFileSync(path.join(planDir, 'plan.json'), 'utf8')) as PlanResult;
const browsers = arg('--browsers') ?? plan.browsers;
const wanted = arg('--stage')?.split(',');
const stages = plan.stages.filter((s) => Object.keys(s.exports).length && (!wanted || wanted.includes(s.stage)));
if (!stages.length) {
  console.error(`${planDir}: no exported stage${arg('--stage') ? ` named ${arg('--stage')}` : ''} (a stage is exported only when proven safe on every app)`);
  process.exit(2);
}
const rows: Row[] = [];
const work = mkdtempSync(path.join(os.tmpdir(), 'hp-plan-edges-'));
// A policy that changes nothing, under a name of its own (the baseline project is skipped).
const noChange = path.join(work, 'through-the-edge.yaml');
const upgrades = path.join(work, 'websocket.conf');
writeFileSync(upgrades, 'proxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection "upgrade";\n');
// The lab's map loads its tiles through the launched copy's own browser proxy (its tile tunnel), which a
// run against a URL does not get: the map journey is left out for a bundled lab.
const leaveOut = (target: string) => (appProfile(target).bundledLab ? ['map'] : []);
writeFileSync(noChange, 'name: through-the-edge\ndescription: No changes; the headers are the edge\'s, served in front of the app.\n');
for (const target of plan.targets) {
  const app = appProfile(target);
  if (!app.launch) throw new Error(`${target}: not a shipped app with a local copy; this check starts the local copies`);
  for (const s of stages) {
    const proof = s.proofs.find((p) => p.target === target)!;
    for (const [edge, binary, start, ext] of [['nginx', NGINX, startNginxSites, 'conf'], ['caddy', CADDY, startCaddySites, 'caddy']] as const) {
      if (!binary) throw new Error(`${edge} is not installed (scripts/setup.sh installs it)`);
      const copy = await app.launch();
      const files = path.join(planDir, s.exports[edge]!);
      // nginx passes a websocket upgrade on only when told to (as any nginx in front of these apps must be); Caddy does by itself.
      const site = edge === 'nginx' ? [upgrades] : [];
      const server = await start(path.join(work, `${target}-${s.stage}-${edge}`), [{ upstream: copy.url, include: [...site, path.join(files, `plan-${s.stage}-shared.${ext}`), path.join(files, `plan-${s.stage}-${target}.${ext}`)] }]);
      const out = path.join(work, `${target}-${s.stage}-${edge}-run`);
      const creds = 'apiKey' in copy.credentials ? { HEADERPROOF_API_KEY: copy.credentials.apiKey } : { HEADERPROOF_USER: copy.credentials.user ?? '', HEADERPROOF_PASSWORD: copy.credentials.password };
      const started = Date.now();
      try {
        const journeys = availableJourneys({ app: target }).filter((j) => !leaveOut(target).includes(j));
        const code = await run({ journeys: journeys.join(','), app: target, target: server.urls[0]!, policy: [noChange], browsers, blame: false, skipBaseline: true, quiet: true, out, env: { ...process.env, ...creds } });
        const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
        const results = summary.policies[0]!.journeys.map((j) => ({ journey: j.journey, status: j.candidate, error: j.error, violations: j.violations }));
        const passed = results.filter((j) => j.status === 'passed').length;
        const enforcedCsp = results.reduce((n, j) => n + j.violations.filter((v) => v.kind === 'csp' && v.disposition === 'enforce').length, 0);
        // (run's exit code says nothing here: without a baseline beside it the policy's verdict is not `safe`.)
        void code;
        const servedSafe = passed === results.length && enforcedCsp === 0;
        rows.push({ stage: s.stage, target, edge, proxy: proof.verdict, journeys: results.length, passed, enforcedCsp, served: servedSafe === (proof.verdict === 'safe') ? 'same' : 'DIFFERENT', seconds: Math.round((Date.now() - started) / 1000), failing: results.filter((j) => j.status !== 'passed').map((j) => `${j.journey}: ${(j.error ?? j.status).split('\n')[0]}`) });
        console.log(`${s.stage} ${target} ${edge}: ${passed}/${results.length} journeys passed${leaveOut(target).length ? ` (${leaveOut(target).join(', ')} left out)` : ''}, ${enforcedCsp} enforced CSP violation group(s); proxy said ${proof.verdict}`);
      } finally {
        server.stop();
        await copy.close();
      }
    }
  }
}
mkdirSync(OUT, { recursive: true });
const result = { when: new Date().toISOString(), plan: planDir, browsers, rows, same: rows.every((r) => r.served === 'same') };
writeFileSync(path.join(OUT, 'plan-edges.json'), JSON.stringify(result, null, 2));
writeFileSync(path.join(OUT, 'plan-edges.md'), [
  `# A plan's exports served for real (${result.when}, ${browsers})`, '',
  '| stage | app | edge | journeys passed through the edge | enforced CSP violations | the proxy said | served gives | s |', '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.stage} | ${r.target} | ${r.edge} | ${r.passed}/${r.journeys} | ${r.enforcedCsp} | ${r.proxy} | ${r.served} | ${r.seconds} |`),
  '', ...rows.flatMap((r) => r.failing.map((f) => `- ${r.stage} ${r.target} ${r.edge}: ${f}`)), '',
].join('\n'));
console.log(`${result.same ? 'every edge gave the proxy\'s verdict' : 'an edge DIFFERS from the proxy'}: reports/bench/plan-edges.md`);
process.exit(result.same ? 0 : 1);
