// An app profile: what headerproof knows about one web app, beside a core that knows none. It says
// how to recognise the app and its version, how to log in (its API, its login form, or a storage
// state the user recorded), where its journeys live (each decides its preconditions from the app's
// API before its page opens), and optionally how to start a local copy and seed a test account.
// Immich (src/apps/immich/) is the first; src/apps/index.ts lists them all, and a generic profile
// is written as a small config file (src/apps/generic/).
import type { AuditUrls } from '../audit/fetch.js';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import type { Credentials, TargetSettings } from '../config/config.js';

/** What the target said it is: the app, its version, and the version shape its journeys used. */
export interface AppIdentity {
  /** The profile's name, e.g. "immich", "node-red". */
  app: string;
  /** How reports name it, e.g. "Immich", "Node-RED". */
  title: string;
  /** e.g. "1.135.3"; undefined when the app did not say. */
  version?: string;
  /** The version shape the journeys used (apps with several layouts), e.g. "v1.135". */
  shape?: string;
  /** false when no shape claims this version (the nearest one was used). */
  supported?: boolean;
}

export interface SessionCookie { name: string; value: string; httpOnly: boolean; secure: boolean; sameSite: 'Lax' | 'Strict' | 'None' }

/** A logged-in API session: what the browser carries, and what Node's API client sends. */
export interface AppSession {
  /** Cookies for the browser's origin. */
  cookies: SessionCookie[];
  /** localStorage entries the app's page reads its login from (set before its scripts run). */
  localStorage?: { name: string; value: string }[];
  /** Headers the API client sends (e.g. authorization). */
  headers: Record<string, string>;
  /** Tokens to mask in every report and log. */
  secrets: string[];
  /** Ends what logIn started (e.g. deletes a session made from an API key). */
  end?(authed: APIRequestContext): Promise<void>;
}

/** What the run asks of a local copy (the lab's imitated version, build id, onboarding; others may ignore it). */
export interface LocalCopyShape { version?: string; build?: string; onboarded?: boolean }

/** A local copy of the app started for a run (the bundled lab, or an installed real app). */
export interface LaunchedApp {
  url: string;
  credentials: Credentials;
  /** A browser proxy for third-party names the app's pages load (the lab's tile tunnel). */
  browserProxy?: string;
  /** The browser must accept this launch's own certificates (the lab's tile server). */
  ignoreHTTPSErrors?: boolean;
  /** How the report names the target, e.g. "lab"; default: the URL. */
  label?: string;
  close(): Promise<void>;
}

/** A stand-in for an app bundled with headerproof (`headerproof lab`), started on loopback until closed. */
export interface BundledLab {
  /** The app versions it imitates (`lab --app-version`), newest last; a wrong one is named by `localCopyProblem`. */
  versions: readonly string[];
  /**
   * Starts it. `staging`: over HTTPS with this certificate, with an empty library and a user who has not
   * finished the app's first run, as a fresh staging host's.
   */
  start(options: { version?: string; port?: number; staging?: { cert: string; key: string } }): Promise<StartedLab>;
}

export interface StartedLab {
  url: string;
  /** Its test user (a public throwaway login). */
  credentials: { user: string; password: string };
  /** What else a browser needs to reach all of it (e.g. a proxy for its third-party names), for the start line. */
  note?: string;
  close(): Promise<void>;
}

export class LoginError extends Error {}

/** A profile's `seed` could not give the test user what the journeys need (the host said no): exit 2 with this message. */
export class SeedError extends Error {}

/** What a refused login means: a 429 or 503 is the host's rate limit or load, never a wrong password. */
export function loginHint(status: number, credentialsHint: string): string {
  if (status === 429) return 'the target is rate-limiting this client (too many requests), not refusing the password: wait a minute and run again, with fewer --workers or fewer policies at once';
  if (status === 503) return 'the target is unavailable or overloaded (503): wait and run again';
  return credentialsHint;
}

/** A mistake in choosing or describing an app (unknown name, bad app config file): exit 2. */
export class AppError extends Error {}

/**
 * A first-run or notice dialog a real instance shows its users (an update-notification prompt, a
 * welcome tour): whenever it covers the page during a journey, the harness answers it as a careful
 * user would (decline, skip, close), and the report says it did. Never switched off in the app's
 * settings: what a user's instance shows is what the journeys meet.
 */
export interface FirstRunDialog {
  /** How the report names it, e.g. "update-notification prompt (declined)". */
  name: string;
  /** What shows it is up (a visible element). */
  shows(page: Page): Locator;
  /** Answers it; the harness then waits until `shows` is hidden. */
  answer(page: Page): Promise<void>;
}

export interface AppProfile {
  name: string;
  title: string;
  /** Where its journeys (*.spec.ts, using headerproof's fixtures) are. */
  journeysDir: string;
  /** A profile whose journey files make their tests from config: the journeys' names (else one per file). */
  journeys?: string[];
  /** Journeys without a browser page (one engine runs them). */
  pagelessJourneys?: string[];
  /** Journeys whose pages are laid out differently on a phone (--phone). */
  phoneJourneys?: string[];
  /** Asks the target (through the proxy) which version it runs, logging in if the app wants that. Never throws. */
  identify(api: APIRequestContext, credentials: Credentials): Promise<AppIdentity & { hooks?: unknown }>;
  /** Logs in through the app's API; the browser then carries the session. */
  logIn?(api: APIRequestContext, credentials: Credentials, options: { https: boolean }): Promise<AppSession>;
  /**
   * Logs in through the app's own login page (an app whose session lives where an API login cannot
   * put it); runs in the journey's page, under the policy. Ends on a page that proves login worked.
   */
  logInWithForm?(page: Page, credentials: Credentials): Promise<void>;
  /**
   * The form login's session lives in the browser's storage, so it can be reused: the first journey
   * of each worker (one engine, one policy) signs in through the form, and every later one starts
   * with that storage (cookies, localStorage, and IndexedDB when `indexedDB`) instead of signing in
   * again. `resume` opens the signed-in app and answers false when the app asks to sign in anyway
   * (then the journey signs in through the form). Kept in memory only, never written anywhere.
   */
  formSession?: { indexedDB?: boolean; resume(page: Page): Promise<boolean> };
  /** The whole app is behind HTTP Basic auth with the run's credentials (browser and API calls, its origin only). */
  httpBasic?: boolean;
  /** Starts a local copy for a run without --target (undefined: a target is needed), shaped as the run asks. */
  launch?(shape?: LocalCopyShape): Promise<LaunchedApp>;
  /** Why a local copy cannot be started as asked (e.g. a version the lab does not imitate), checked before any browser starts. */
  localCopyProblem?(shape: LocalCopyShape): string | undefined;
  /** `headerproof lab`: a stand-in for the app that headerproof bundles, to try it without the real app. */
  bundledLab?: BundledLab;
  /** First-run and notice dialogs the app shows its users, answered whenever they appear. */
  dialogs?: FirstRunDialog[];
  /**
   * How the app's build shows in what it serves, for the core to recognise without naming the app:
   * `inlineBootstrap` matches the text of an inline script generated per build (its hash changes with
   * every release: tune says so, and blocking it stops the boot); `entryModule` matches the path of a
   * module whose block stops the boot.
   */
  build?: { inlineBootstrap?: RegExp; entryModule?: RegExp };
  /** `headerproof audit`: the app's own URLs to audit beyond its HTML shell and favicon (undefined: those two only). */
  auditUrls?: AuditUrls;
  /** When the app sends a CSP of its own (lint warns that an edge CSP then only narrows it), e.g. "v2.7+ with IMMICH_HELMET_FILE=true". */
  ownCsp?: string;
  /** Permissions-Policy features the app uses: denying one breaks the feature named. */
  features?: Record<string, string>;
  /** `headerproof seed`: gives a staging host's test user what the journeys need (undefined: nothing to seed). */
  seed?(settings: TargetSettings, options: { cleanup: boolean; log: (line: string) => void }): Promise<void>;
}

