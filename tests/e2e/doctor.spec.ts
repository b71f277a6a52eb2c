// `headerproof doctor`: what this machine and the target lack, and the fix for each.
import { test, expect } from '@playwright/test';
import { runCli } from './helpers.js';
import { startLab } from '../../src/apps/immich/lab/server.js';

test('doctor: a machine set up by scripts/setup.sh is ready; a missing browser, an unreachable target and a missing test user are named with their fix', async () => {
  test.setTimeout(180_000); // five CLI runs, each starting the browsers it checks: ~55 s alone here
  const ok = await runCli(['doctor']);
  expect(ok.code, ok.stdout + ok.stderr).toBe(0);
  expect(ok.stdout).toMatch(/^✓ Chromium: \d+\./m);
  expect(ok.stdout).toMatch(/^✓ target: none named: runs use the local copy of immich$/m);
  expect(ok.stdout).toMatch(/\nready/);

  const noChromium = await runCli(['doctor'], { HEADERPROOF_CHROMIUM: '/nonexistent/chromium' });
  expect(noChromium.code).toBe(1);
  expect(noChromium.stdout).toMatch(/^✗ Chromium: \/nonexistent\/chromium does not start/m);
  expect(noChromium.stdout).toContain('fix: run scripts/setup.sh');
  const noFirefox = await runCli(['doctor'], { HEADERPROOF_FIREFOX: '/nonexistent/firefox' });
  expect(noFirefox.code).toBe(0); // only --browsers firefox needs it: a warning
  expect(noFirefox.stdout).toMatch(/^! Firefox \(for --browsers firefox\): \/nonexistent\/firefox\n {4}fix: \/nonexistent\/firefox does not exist/m);

  const down = await runCli(['doctor', '--target', 'http://127.0.0.1:9']);
  expect(down.code).toBe(1);
  expect(down.stdout).toContain('✗ target: target http://127.0.0.1:9 unreachable: ECONNREFUSED');
  expect(down.stdout).toContain('✗ test user: none\n    fix: set IMMICH_EMAIL and IMMICH_PASSWORD (or IMMICH_API_KEY) in the environment');
  expect(down.stdout).toContain('2 problem(s) stop a run');

  const lab = await startLab();
  try {
    const up = await runCli(['doctor', '--target', lab.url], { IMMICH_EMAIL: lab.credentials.email, IMMICH_PASSWORD: lab.credentials.password });
    expect(up.code, up.stdout).toBe(0);
    expect(up.stdout).toContain(`✓ target: ${lab.url} answers`);
    expect(up.stdout).toContain(`✓ test user: user ${lab.credentials.email}`);
    expect(up.stdout).not.toContain(lab.credentials.password);
  } finally {
    await lab.close();
  }
});
