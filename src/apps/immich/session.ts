// Logging the test user in through the Immich API: with email and password (POST /api/auth/login,
// whose cookies the browser then carries), or with an API key (POST /api/sessions creates a session
// whose token the browser carries as Immich's own cookie; it is deleted again afterwards).
import type { APIRequestContext } from '@playwright/test';
import type { Credentials } from '../../config/config.js';
import { parseSetCookie } from '../../harness/cookies.js';
import { LoginError, loginHint, type AppSession, type SessionCookie } from '../profile.js';

/** api: a request context whose baseURL reaches the target (through the proxy). */
export async function logIn(api: APIRequestContext, credentials: Credentials, https: boolean): Promise<AppSession> {
  if ('apiKey' in credentials) {
    const res = await api.post('/api/sessions', { headers: { 'x-api-key': credentials.apiKey }, data: { deviceType: 'headerproof', deviceOS: 'headerproof journeys', duration: 3600 } });
    if (res.status() !== 201) throw new LoginError(`creating a session with IMMICH_API_KEY failed (HTTP ${res.status()}): ${loginHint(res.status(), 'check the key and that it may create sessions (permission session.create)')}`);
    const { id, token } = (await res.json()) as { id: string; token: string };
    const cookie = (name: string, value: string, httpOnly: boolean): SessionCookie => ({ name, value, httpOnly, secure: https, sameSite: 'Lax' });
    return {
      cookies: [cookie('immich_access_token', token, true), cookie('immich_auth_type', 'password', true), cookie('immich_is_authenticated', 'true', false)],
      headers: { authorization: `Bearer ${token}` },
      secrets: [token],
      end: async (authed) => { await authed.delete(`/api/sessions/${id}`).catch(() => undefined); },
    };
  }
  const res = await api.post('/api/auth/login', { data: { email: credentials.user ?? '', password: credentials.password } });
  if (res.status() !== 201) throw new LoginError(`logging in through the API failed (HTTP ${res.status()}): ${loginHint(res.status(), 'check IMMICH_EMAIL / IMMICH_PASSWORD')}`);
  const { accessToken } = (await res.json()) as { accessToken: string };
  const cookies = res.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => parseSetCookie(h.value));
  return { cookies, headers: { authorization: `Bearer ${accessToken}` }, secrets: [accessToken] };
}
