// Logging the test user in through the Immich API: with email and password (POST /api/auth/login,
// whose cookies the browser then carries), or with an API key (POST /api/sessions creates a session
// whose token the browser carries as Immich's own cookie; it is deleted again afterwards).
import type { APIRequestContext } from '@playwright/test';
import type { Credentials } from '../config/config.js';

export interface SessionCookie { name: string; value: string; httpOnly: boolean; secure: boolean; sameSite: 'Lax' | 'Strict' | 'None' }

export interface LoggedInSession {
  accessToken: string;
  cookies: SessionCookie[];
  /** Ends what logIn started (an API-key session is deleted; a password login is left to expire). */
  end(authed: APIRequestContext): Promise<void>;
}

export class LoginError extends Error {}

export function parseSetCookie(header: string): SessionCookie {
  const [pair, ...attrs] = header.split(';').map((p) => p.trim());
  const i = pair!.indexOf('=');
  const has = (name: string) => attrs.some((a) => a.toLowerCase() === name);
  const sameSite = attrs.find((a) => a.toLowerCase().startsWith('samesite='))?.split('=')[1]?.toLowerCase();
  return {
    name: pair!.slice(0, i),
    value: pair!.slice(i + 1),
    httpOnly: has('httponly'),
    secure: has('secure'),
    sameSite: sameSite === 'strict' ? 'Strict' : sameSite === 'none' ? 'None' : 'Lax',
  };
}

/** api: a request context whose baseURL reaches the target (through the proxy). */
export async function logIn(api: APIRequestContext, credentials: Credentials, https: boolean): Promise<LoggedInSession> {
  if ('apiKey' in credentials) {
    const res = await api.post('/api/sessions', { headers: { 'x-api-key': credentials.apiKey }, data: { deviceType: 'headerproof', deviceOS: 'headerproof journeys', duration: 3600 } });
    if (res.status() !== 201) throw new LoginError(`creating a session with IMMICH_API_KEY failed (HTTP ${res.status()}): check the key and that it may create sessions (permission session.create)`);
    const { id, token } = (await res.json()) as { id: string; token: string };
    const cookie = (name: string, value: string, httpOnly: boolean): SessionCookie => ({ name, value, httpOnly, secure: https, sameSite: 'Lax' });
    return {
      accessToken: token,
      cookies: [cookie('immich_access_token', token, true), cookie('immich_auth_type', 'password', true), cookie('immich_is_authenticated', 'true', false)],
      end: async (authed) => { await authed.delete(`/api/sessions/${id}`).catch(() => undefined); },
    };
  }
  const res = await api.post('/api/auth/login', { data: credentials });
  if (res.status() !== 201) throw new LoginError(`logging in through the API failed (HTTP ${res.status()}): check IMMICH_EMAIL / IMMICH_PASSWORD`);
  const { accessToken } = (await res.json()) as { accessToken: string };
  const cookies = res.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => parseSetCookie(h.value));
  return { accessToken, cookies, end: async () => undefined };
}
