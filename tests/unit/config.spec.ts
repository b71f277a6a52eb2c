// headerproof.config.json/.ts and the environment: validation with errors that name the source,
// the field and the fix; precedence (environment over file); secrets registered for redaction.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { ConfigError, resolveSettings, secretsOf } from '../../src/config/config.js';
import { redact, registerSecrets } from '../../src/observe/violation.js';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'headerproof-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

async function problems(dir: string, env: NodeJS.ProcessEnv = {}): Promise<ConfigError> {
  const err = await resolveSettings(dir, env).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

test('no config file and no environment: the bundled lab', async () => {
  const s = await resolveSettings(dirWith({}), {});
  expect(s.url).toBeUndefined();
  expect(s.verifyTls).toBe(true);
  expect(s.preserveOrigin).toBe(false);
});

test('a JSON config file is read; the environment wins over it; paths are relative to the file', async () => {
  const dir = dirWith({
    'headerproof.config.json': JSON.stringify({ target: 'https://photos.example.org/some/path', preserveOrigin: true, connectTo: '10.0.0.5:8443', policies: ['p/a.yaml'], journeys: ['map'] }),
  });
  const s = await resolveSettings(dir, { IMMICH_EMAIL: 'qa@example.org', IMMICH_PASSWORD: 'pw-1234', HEADERPROOF_JOURNEYS: 'login,timeline' });
  expect(s.url).toBe('https://photos.example.org');
  expect(s.preserveOrigin).toBe(true);
  expect(s.connectTo).toEqual({ host: '10.0.0.5', port: 8443 });
  expect(s.policies).toEqual([path.join(dir, 'p/a.yaml')]);
  expect(s.journeys).toEqual(['login', 'timeline']);
  expect(s.credentials).toEqual({ user: 'qa@example.org', password: 'pw-1234' });
  const overridden = await resolveSettings(dir, { HEADERPROOF_TARGET: 'https://other.example.org', IMMICH_API_KEY: 'key-12345678' });
  expect(overridden.url).toBe('https://other.example.org');
  expect(overridden.credentials).toEqual({ apiKey: 'key-12345678' });
  // preserveOrigin from the file needs https: an overriding http target is refused with the reason.
  const http = await problems(dir, { HEADERPROOF_TARGET: 'http://other.example.org', IMMICH_API_KEY: 'key-12345678' });
  expect(http.message).toContain('preserveOrigin: needs an https:// target, got http://other.example.org');
});

test('a TypeScript config file with a default export is read', async () => {
  const dir = dirWith({ 'package.json': '{"type":"module"}', 'headerproof.config.ts': "export default { target: 'https://photos.example.org', insecure: true, credentials: { apiKey: 'abcdefgh1234' } };\n" });
  const s = await resolveSettings(dir, {});
  expect(s.url).toBe('https://photos.example.org');
  expect(s.verifyTls).toBe(false);
  expect(s.credentials).toEqual({ apiKey: 'abcdefgh1234' });
  expect(s.file).toBe(path.join(dir, 'headerproof.config.ts'));
});

test('mistakes name the file, the field and the fix', async () => {
  const unknown = await problems(dirWith({ 'headerproof.config.json': '{"target":"https://x.example.org","prserveOrigin":true}' }));
  expect(unknown.message).toContain('headerproof.config.json: invalid configuration');
  expect(unknown.message).toMatch(/unknown field\(s\) prserveOrigin; allowed: app, journeysDir, target, connectTo/);

  const badUrl = await problems(dirWith({ 'headerproof.config.json': '{"target":"ftp://x.example.org"}' }));
  expect(badUrl.message).toMatch(/- target: must be an http:\/\/ or https:\/\/ URL/);

  const badJson = await problems(dirWith({ 'headerproof.config.json': '{"target": ' }));
  expect(badJson.message).toMatch(/headerproof.config.json: invalid configuration\n {2}- \(file\): could not be read/);

  const noUser = await problems(dirWith({}), { HEADERPROOF_TARGET: 'https://x.example.org' });
  expect(noUser.message).toMatch(/credentials: .*IMMICH_EMAIL and IMMICH_PASSWORD \(or IMMICH_API_KEY\)/);

  const httpPreserve = await problems(dirWith({}), { HEADERPROOF_TARGET: 'http://x.example.org', HEADERPROOF_PRESERVE_ORIGIN: '1', IMMICH_API_KEY: 'abcdefgh1234' });
  expect(httpPreserve.message).toMatch(/preserveOrigin: needs an https:\/\/ target/);

  const badEnv = await problems(dirWith({}), { HEADERPROOF_CONNECT_TO: 'no-port' });
  expect(badEnv.message).toMatch(/^environment \/ command line: invalid configuration\n {2}- HEADERPROOF_CONNECT_TO \(--connect-to\): must be host:port/);

  const missingCa = await problems(dirWith({}), { HEADERPROOF_TARGET: 'https://x.example.org', IMMICH_API_KEY: 'abcdefgh1234', HEADERPROOF_CA_FILE: '/nonexistent/ca.pem' });
  expect(missingCa.message).toMatch(/caFile: \/nonexistent\/ca.pem does not exist/);

  const missingFile = await problems(dirWith({}), { HEADERPROOF_CONFIG: 'nope.json' });
  expect(missingFile.message).toMatch(/^HEADERPROOF_CONFIG: invalid configuration\n.*nope.json does not exist; fix the path or unset HEADERPROOF_CONFIG/);
});

test('the secrets of a configuration are masked by redact() wherever they appear', () => {
  const secrets = secretsOf({ app: 'immich', url: 'https://x', credentials: { user: 'qa@example.org', password: 'Hunter2-staging' }, verifyTls: true, preserveOrigin: false });
  expect(secrets).toEqual(['Hunter2-staging', 'qa@example.org']);
  registerSecrets([...secrets, 'tok_abcdef123']);
  expect(redact('login as qa@example.org with Hunter2-staging, then tok_abcdef123')).toBe('login as [redacted] with [redacted], then [redacted]');
  expect(redact('?next=%2Fx&p=Hunter2-staging')).not.toContain('Hunter2');
  expect(redact('nothing secret here')).toBe('nothing secret here');
});
