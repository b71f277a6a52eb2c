// The real Node-RED without its own login, started as its docs start it (on loopback, no adminAuth,
// its new-user prompts on), behind Debian's nginx asking for HTTP Basic credentials: the app "of
// that kind" of issue 39, for its e2e test and its benchmark (bench/any-app.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installedBin, spawnApp } from '../../src/apps/launch.js';
import { startNginxSites } from './edges.js';

export interface BasicAuthNodeRed { url: string; stop(): Promise<void> }

export async function startNodeRedBehindBasicAuth(user: string, password: string): Promise<BasicAuthNodeRed> {
  const app = await spawnApp({
    title: 'Node-RED', bin: installedBin('node-red', 'node-red', 'Node-RED'), readyPath: '/', env: () => ({}),
    prepare: (dir, port) => writeFileSync(path.join(dir, 'settings.js'), `module.exports = ${JSON.stringify({ uiHost: '127.0.0.1', uiPort: port, logging: { console: { level: 'warn' } } })};\n`),
    args: (_port, dir) => ['--settings', path.join(dir, 'settings.js'), '--userDir', dir],
  });
  try {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hp-basic-edge-'));
    writeFileSync(path.join(dir, 'htpasswd'), `${user}:{PLAIN}${password}\n`);
    writeFileSync(path.join(dir, 'auth.conf'), `auth_basic "staging";\nauth_basic_user_file ${dir}/htpasswd;\nproxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection "upgrade";\n`);
    const edge = await startNginxSites(dir, [{ upstream: `http://127.0.0.1:${app.port}`, include: [path.join(dir, 'auth.conf')] }]);
    return { url: edge.urls[0]!, stop: async () => { edge.stop(); await app.stop(); } };
  } catch (err) {
    await app.stop();
    throw err;
  }
}
