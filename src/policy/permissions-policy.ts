// Permissions-Policy as a structured-field dictionary: feature=(allowlist), comma-separated.
// Parsed here (the policy model) so lint can check syntax, unknown features and features the app needs (its profile says which).

export interface PermissionsPolicyEntry {
  feature: string;
  /** Allowlist tokens: self, *, src, or quoted origins. Empty = denied everywhere. */
  allow: string[];
}

/** Features Chromium knows (Permissions-Policy names, not the old Feature-Policy ones). */
export const KNOWN_FEATURES = new Set([
  'accelerometer', 'ambient-light-sensor', 'attribution-reporting', 'autoplay', 'bluetooth', 'browsing-topics',
  'camera', 'ch-ua', 'ch-ua-arch', 'ch-ua-bitness', 'ch-ua-full-version', 'ch-ua-full-version-list', 'ch-ua-mobile',
  'ch-ua-model', 'ch-ua-platform', 'ch-ua-platform-version', 'ch-ua-wow64', 'clipboard-read', 'clipboard-write',
  'compute-pressure', 'cross-origin-isolated', 'direct-sockets', 'display-capture', 'encrypted-media',
  'execution-while-not-rendered', 'execution-while-out-of-viewport', 'fullscreen', 'gamepad', 'geolocation',
  'gyroscope', 'hid', 'identity-credentials-get', 'idle-detection', 'interest-cohort', 'keyboard-map',
  'local-fonts', 'magnetometer', 'microphone', 'midi', 'otp-credentials', 'payment', 'picture-in-picture',
  'private-state-token-issuance', 'private-state-token-redemption', 'publickey-credentials-create',
  'publickey-credentials-get', 'screen-wake-lock', 'serial', 'shared-storage', 'shared-storage-select-url',
  'smart-card', 'speaker-selection', 'storage-access', 'sync-xhr', 'unload', 'usb', 'web-share',
  'window-management', 'xr-spatial-tracking',
]);

export class PermissionsPolicySyntaxError extends Error {}

export function parsePermissionsPolicy(value: string): PermissionsPolicyEntry[] {
  const entries: PermissionsPolicyEntry[] = [];
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const m = /^([a-z][a-z0-9-]*)=(\*|self|\(([^)]*)\))$/.exec(item);
    if (!m) {
      if (/^[a-z-]+\s+('|\*|https?:)/.test(item)) {
        throw new PermissionsPolicySyntaxError(`"${item}" uses the old Feature-Policy syntax; write ${item.split(/\s+/)[0]}=(self) style entries`);
      }
      throw new PermissionsPolicySyntaxError(`"${item}" is not feature=(allowlist), e.g. fullscreen=(self) or camera=()`);
    }
    const allow = m[2] === '*' || m[2] === 'self' ? [m[2]] : (m[3] ?? '').trim().split(/\s+/).filter(Boolean);
    for (const token of allow) {
      if (!/^(\*|self|src|"https?:\/\/[^"\s]+")$/.test(token)) {
        throw new PermissionsPolicySyntaxError(`${m[1]}: allowlist token ${token} must be self, *, src or a quoted origin like "https://example.org"`);
      }
    }
    entries.push({ feature: m[1]!, allow });
  }
  return entries;
}
