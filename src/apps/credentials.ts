// Where each shipped app's test user comes from in the environment (read by src/config/config.ts
// before any profile loads). HEADERPROOF_USER / HEADERPROOF_PASSWORD / HEADERPROOF_API_KEY work for
// every app, a generic one included; the names below are each app's own, kept for its users.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
export interface CredentialEnv { user?: string; password: string; apiKey?: string }

export const GENERIC_CREDENTIAL_ENV: CredentialEnv = { user: 'HEADERPROOF_USER', password: 'HEADERPROOF_PASSWORD', apiKey: 'HEADERPROOF_API_KEY' };

export const APP_CREDENTIAL_ENV: Record<string, CredentialEnv> = {
  immich: { user: 'IMMICH_EMAIL', password: 'IMMICH_PASSWORD', apiKey: 'IMMICH_API_KEY' },
  'node-red': { user: 'NODE_RED_USER', password: 'NODE_RED_PASSWORD' },
  actual: { password: 'ACTUAL_PASSWORD' },
};

/**
 * Whether a run against a staging host needs the test user's credentials: always for a shipped
 * app; for an app config file only when its login uses them (a form, HTTP Basic) — a stored
 * storage state or `login: none` needs none. A file that cannot be read says nothing here (its
 * validation names the problem later).
 */
export function needsCredentials(app: string): boolean {
  if (!/\.(ya?ml|json)$/.test(app)) return true;
  let login: unknown;
  try {
    const text = readFileSync(app, 'utf8');
    login = ((app.endsWith('.json') ? JSON.parse(text) : YAML.parse(text)) as { login?: unknown } | null)?.login;
  } catch {
    return true;
  }
  return login === 'basic' || (typeof login === 'object' && login !== null && 'form' in login);
}

/** "set IMMICH_EMAIL and IMMICH_PASSWORD (or IMMICH_API_KEY)" for an app. */
export function credentialHint(app: string): string {
  const e = APP_CREDENTIAL_ENV[app] ?? GENERIC_CREDENTIAL_ENV;
  const main = e.user ? `${e.user} and ${e.password}` : e.password;
  return `set ${main}${e.apiKey ? ` (or ${e.apiKey})` : ''} in the environment`;
}
