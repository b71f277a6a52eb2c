// A Set-Cookie header as the cookie the browser would keep (for handing an API login to the browser).
import type { SessionCookie } from '../apps/profile.js';

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
