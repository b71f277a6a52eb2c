// The shapes that cross module boundaries: what each journey test attaches, and summary.json.
import type { ViolationGroup } from '../observe/violation.js';
import type { InlineBlock } from '../proxy/inline-scripts.js';

export const JOURNEY_ATTACHMENT = 'headerproof-journey.json';

export interface PolicyInfo {
  name: string;
  file: string;
  description: string;
  /** Header → value the proxy serves (null = removed). */
  served: Record<string, string | null>;
}

/** Attached to every journey test by the fixtures; the reporter builds the verdicts from these. */
export interface JourneyAttachment {
  journey: string;
  policy: PolicyInfo;
  /** 'lab' or the staging origin. */
  target: string;
  violations: ViolationGroup[];
  /** Inline scripts/styles of the HTML documents this journey loaded (hashed by the proxy). */
  inlineBlocks: InlineBlock[];
  /** Things about the policy a reviewer must know that no journey can show (see policy/warnings). */
  warnings: string[];
  droppedViolations: number;
  proxy: { upstreamErrors: number; lastUpstreamError?: string; replacedUpstreamHeaders: string[] };
}

export type JourneyStatus = 'passed' | 'failed' | 'skipped';

export interface JourneyResult {
  journey: string;
  status: JourneyStatus;
  /** First line(s) of the failure, or the skip reason. */
  error?: string;
  violations: ViolationGroup[];
  upstreamErrors: number;
  inlineBlocks?: InlineBlock[];
}

export type Verdict = 'safe' | 'would-break' | 'breaks' | 'inconclusive';

export interface JourneyComparison {
  journey: string;
  baseline: JourneyStatus | 'missing';
  candidate: JourneyStatus;
  error?: string;
  /** Every violation seen with the policy. */
  violations: ViolationGroup[];
  /** Policy-caused violations that the baseline run does not have. */
  newViolations: ViolationGroup[];
  inlineBlocks?: InlineBlock[];
}

export interface PolicyVerdict {
  policy: PolicyInfo;
  verdict: Verdict;
  reasons: string[];
  journeys: JourneyComparison[];
  replacedUpstreamHeaders: string[];
  warnings: string[];
}

export interface Summary {
  tool: 'headerproof';
  version: string;
  target: string;
  startedAt: string;
  durationMs: number;
  baseline: JourneyResult[];
  policies: PolicyVerdict[];
  /** 0 all safe, 1 breaks / would-break, 3 baseline failing or target unreachable. */
  exitCode: number;
}
