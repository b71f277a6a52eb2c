// The shapes that cross module boundaries: what each journey test attaches, and summary.json.
import type { ViolationGroup } from '../observe/violation.js';
import type { InlineBlock } from '../proxy/inline-scripts.js';
import type { PolicyModel, Suggestion } from '../blame/suggest.js';
import type { Engine } from '../harness/engines.js';
import type { AppIdentity } from '../apps/profile.js';
import type { HostLoadSlice, RunLoad, Throttle } from '../proxy/host.js';

export const JOURNEY_ATTACHMENT = 'headerproof-journey.json';
export const SCREENSHOT_ATTACHMENT = 'headerproof-screenshot';

export type { AppIdentity } from '../apps/profile.js';

export interface PolicyInfo {
  name: string;
  file: string;
  description: string;
  /** Header → value the proxy serves (null = removed). */
  served: Record<string, string | null>;
  /** The policy's own headers (for suggestions and blame). */
  model?: PolicyModel;
}

/** Which part of a policy makes a journey fail, found by re-running it with one part at a time. */
export interface Blame {
  journey: string;
  /** The minimal set of headers / CSP directives / Permissions-Policy features that reproduces it. */
  blamed: string[];
  note?: string;
  /** Set when the parts were bisected (src/blame/blame.ts): how many runs it took. */
  bisection?: Bisection;
}

/** A bisected blame: the policy's parts, the rounds (runs one after another), the journey re-runs. */
export interface Bisection { parts: number; rounds: number; reruns: number }

/** Attached to every journey test by the fixtures; the reporter builds the verdicts from these. */
export interface JourneyAttachment {
  journey: string;
  /** The engine the journey ran in (src/harness/engines.ts) and its version. */
  browser?: Engine;
  browserVersion?: string;
  policy: PolicyInfo;
  /** 'lab' or the staging origin. */
  target: string;
  /** Set in origin-preserving mode: the target's own origin, which the browser used. */
  preservedOrigin?: string;
  /** The app and version the target reported (its profile asked) and the shape the journeys used. */
  app?: AppIdentity;
  /** The journey was skipped after its page had navigated (see JourneyResult.skippedAfterNavigation). */
  skippedAfterNavigation?: boolean;
  /** The page was closed early because the policy stopped the app's boot (src/observe/boot-failure.ts). */
  bootFailure?: string;
  /** A stacked pass's members (src/proxy/stack.ts): each gets this journey's result with its own violations. */
  stack?: { policy: PolicyInfo; warnings: string[] }[];
  /** Set on a member's copy of a stacked pass's attachment: the other members. */
  stackedWith?: string[];
  /** Set on a member's copy of a shared enforced pass's attachment (src/proxy/share.ts): the other members. */
  sharedWith?: string[];
  violations: ViolationGroup[];
  /** Inline scripts/styles of the HTML documents this journey loaded (hashed by the proxy), and
   *  those the app inserted at run time that the browser blocked or reported (runtime: true). */
  inlineBlocks: InlineBlock[];
  /** CSP violations caused by the harness itself (a screenshot's style in Firefox), not counted. */
  harnessViolationsSetAside?: number;
  /** Things about the policy a reviewer must know that no journey can show (see policy/warnings). */
  warnings: string[];
  droppedViolations: number;
  /** The app's first-run and notice dialogs the harness answered during the journey. */
  dialogs?: string[];
  /** How a form login's journey was signed in: through the form, or with its worker's kept session (AppProfile.formSession). */
  signIn?: SignIn;
  /** The requests the journey sent the target, and the target's pushback (429/503). */
  host?: HostLoadSlice;
  proxy: { upstreamErrors: number; lastUpstreamError?: string; replacedUpstreamHeaders: string[]; /** why a shared pass proves nothing */ shareUnsound?: string; /** the names of the headers the target sent itself */ upstreamHeaders?: string[] };
}

/** interrupted: the run stopped before the journey finished (a stopped worker, Ctrl-C, max failures). */
export type JourneyStatus = 'passed' | 'failed' | 'skipped' | 'interrupted';

export interface JourneyResult {
  journey: string;
  /** The engine it ran in ("timeline@firefox" ran in firefox). */
  browser?: Engine;
  status: JourneyStatus;
  /** First line(s) of the failure, or the skip reason. */
  error?: string;
  violations: ViolationGroup[];
  upstreamErrors: number;
  inlineBlocks?: InlineBlock[];
  /** CSP violations the harness itself caused (a screenshot's style in Firefox), set aside. */
  harnessSetAside?: number;
  /** Screenshot (path relative to the report folder) at the end of the journey or at its failure. */
  screenshot?: string;
  /** The test step that failed (its title), when Playwright named one. */
  failedStep?: string;
  /** Skipped after the page had been opened: what the page showed decided the skip (see verdict). */
  skippedAfterNavigation?: boolean;
  /** It failed on an earlier try with this error and passed when run again (`--retries`): flaky. */
  flaky?: string;
  /**
   * The target pushed back during it (429, or 503 with a reset): the requests, their status and
   * the limit the host announced. A failure with this is the host's doing, never the policy's.
   */
  throttled?: Throttle[];
  /** Time the proxy held its requests back to stay inside the host's rate limit. */
  heldBackMs?: number;
  /**
   * Its first try failed, so it ran again alone, one worker with the host's whole budget: this
   * result is that run's (see RanAlone).
   */
  ranAlone?: RanAlone;
  /** First-run and notice dialogs the harness answered (the app's profile). */
  dialogs?: string[];
  /** How a form login's journey was signed in (the first of each worker through the form, later ones resumed). */
  signIn?: SignIn;
}

/**
 * Why a failed journey ran again alone, and its first try: `paced`, it failed while the proxy's
 * pacing held it back firstHeldBackMs to stay inside the host's limit; `reports-only`, it failed under
 * a policy that changes nothing a page does (src/policy/reports-only.ts), so not because of it.
 */
export type RanAloneWhy = 'paced' | 'reports-only';
export interface RanAlone { firstHeldBackMs: number; firstError: string; why?: RanAloneWhy }

/** `form`: signed in through the app's login form; `resumed`: started with the worker's kept session (no login request to the host). */
export type SignIn = 'form' | 'resumed';

export type Verdict = 'safe' | 'would-break' | 'breaks' | 'inconclusive';

export interface JourneyComparison {
  journey: string;
  browser?: Engine;
  baseline: JourneyStatus | 'missing';
  candidate: JourneyStatus;
  error?: string;
  /** The candidate skipped after its page was open. */
  skippedAfterNavigation?: boolean;
  /** What the baseline's failure or skip says (the candidate's is in error). */
  baselineError?: string;
  /** The candidate failed on an earlier try with this error and passed when run again. */
  flaky?: string;
  /** How the candidate's journey was signed in (a form login's). */
  signIn?: SignIn;
  /** The target pushed back during the candidate's journey (why a failure is not blamed on the policy). */
  throttled?: string;
  /** The candidate's first try failed (held back by the proxy's pacing, or under a policy that only reports); its result is from a run of its own. */
  ranAlone?: RanAlone;
  /** Every violation seen with the policy. */
  violations: ViolationGroup[];
  /** Policy-caused violations that the baseline run does not have. */
  newViolations: ViolationGroup[];
  inlineBlocks?: InlineBlock[];
  /** CSP violations the harness itself caused (a screenshot's style in Firefox), set aside. */
  harnessSetAside?: number;
  screenshot?: string;
  baselineScreenshot?: string;
}

export interface PolicyVerdict {
  policy: PolicyInfo;
  verdict: Verdict;
  reasons: string[];
  journeys: JourneyComparison[];
  replacedUpstreamHeaders: string[];
  warnings: string[];
  /** A fix for each new violation group, with its cost. */
  suggestions: Suggestion[];
  /** Filled in by the blame pass for policies that break a journey. */
  blame?: Blame[];
  /** With more than one engine: the verdict in each (the overall verdict is the worst of them). */
  engines?: EngineVerdict[];
  /** The report-only candidates it shared its journey pass with (src/proxy/stack.ts). */
  stackedWith?: string[];
  /** The enforced candidates it shared a clean pass with (src/proxy/share.ts): safe together, so each is safe. */
  sharedWith?: string[];
  /**
   * Its shared pass was not clean, so it says nothing about this member alone (verdict inconclusive
   * until `headerproof run` re-runs it apart): the others, whether the findings point at it, and
   * the journeys that were not clean for some member (only those need re-running: every other
   * journey passed with nothing new under all the members at once, so it would alone too; absent
   * when the pass proved nothing at all, e.g. an unsound combination).
   */
  unsettled?: { with: string[]; pointed: boolean; journeys?: string[] };
}

/** A policy's verdict from one engine's journeys alone. */
export interface EngineVerdict {
  browser: Engine;
  /** e.g. "153.7.0", as the browser reported it. */
  version?: string;
  verdict: Verdict;
  /** Headers of the policy this engine ignores: its passing journeys prove nothing about them. */
  notEnforced: string[];
}

export interface Summary {
  tool: 'headerproof';
  version: string;
  target: string;
  /** Origin-preserving mode: the browser used this (the target's own https:// origin). */
  preservedOrigin?: string;
  /** The target's app and version, and the version shape the journeys used. */
  app?: AppIdentity;
  /** What to do about baseline journeys that did not pass (empty when all passed). */
  baselineAdvice?: BaselineAdvice[];
  startedAt: string;
  durationMs: number;
  /** The engines the journeys ran in, with their versions. */
  browsers?: { browser: Engine; version?: string }[];
  baseline: JourneyResult[];
  policies: PolicyVerdict[];
  /** What the run asked of the target: requests, peak a minute, the target's pushback (src/proxy/host.ts). */
  load?: RunLoad;
  /** 0 all safe, 1 a policy breaks / would break, 3 nothing decided (baseline failing, inconclusive). */
  exitCode: number;
}

/** A baseline journey that did not pass, and what to do about it. */
export interface BaselineAdvice {
  journey: string;
  status: JourneyStatus;
  /** The failed step or skip reason. */
  what: string;
  /** The likely cause and the fix, for a person. */
  advice: string;
  screenshot?: string;
}

/** One journey test's outcome in one project. */
export interface JourneyRecord {
  project: string;
  role: 'baseline' | 'candidate';
  policyFile: string;
  result: JourneyResult;
  attachment?: JourneyAttachment;
  /** The shared enforced pass (its project) this member's record came from (src/proxy/share.ts). */
  sharedPass?: string;
}
