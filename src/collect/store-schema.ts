// What every report store shares (the backends and the opener import it; it imports neither): the
// stored shapes, the fold of a batch into increments, the schema and its SQL.
import { createHash } from 'node:crypto';
import type { DropReason, ReportEntry } from './ingest.js';

export interface StoredGroup extends Omit<ReportEntry, 'browser'> {
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Reports per browser family. */
  browsers: Record<string, number>;
  /** Reports per UTC day (YYYY-MM-DD). */
  days: Record<string, number>;
}

export type CounterName = DropReason | 'overflow';

export interface StoreContents {
  groups: StoredGroup[];
  /** Reports not stored, by reason, all days together. */
  counters: Partial<Record<CounterName, number>>;
}

export interface ReportStore {
  /** Adds a batch in one transaction. Groups past maxGroups are not created: their reports count as overflow. */
  record(entries: ReportEntry[], dropped: Partial<Record<CounterName, number>>, now: number): Promise<{ stored: number; overflow: number }>;
  contents(): Promise<StoreContents>;
  /** Deletes groups not seen since `before` and day counts older than it; returns groups deleted. */
  prune(before: number): Promise<number>;
  close(): Promise<void>;
}

export class StoreError extends Error {}

export const DEFAULT_MAX_GROUPS = 10_000;

export const GROUP_FIELDS = ['kind', 'directive', 'blocked', 'document', 'source', 'disposition'] as const;

export function groupKey(e: Pick<ReportEntry, (typeof GROUP_FIELDS)[number]>): string {
  return createHash('sha256').update(GROUP_FIELDS.map((f) => e[f]).join('\u0000')).digest('base64url').slice(0, 32);
}

export const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A batch folded into one increment per group, per (group, browser) and per (group, day). */
export interface FoldedGroup {
  key: string;
  entry: ReportEntry;
  count: number;
  browsers: Map<string, number>;
}

export function fold(entries: ReportEntry[]): FoldedGroup[] {
  const groups = new Map<string, FoldedGroup>();
  for (const e of entries) {
    const key = groupKey(e);
    const g = groups.get(key) ?? { key, entry: e, count: 0, browsers: new Map() };
    g.count++;
    g.browsers.set(e.browser, (g.browsers.get(e.browser) ?? 0) + 1);
    groups.set(key, g);
  }
  // One order for every writer: two collectors sharing a database then lock rows in the same
  // order and cannot deadlock each other.
  return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The tables, in SQL both engines read (ids differ: SQLite's rowid, PostgreSQL's identity). */
export function schema(idColumn: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS report_groups (
      id ${idColumn},
      key TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL, directive TEXT NOT NULL, blocked TEXT NOT NULL, document TEXT NOT NULL,
      source TEXT NOT NULL, disposition TEXT NOT NULL, sample TEXT NOT NULL,
      first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL, count BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS report_group_browsers (
      group_id BIGINT NOT NULL, family TEXT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (group_id, family))`,
    `CREATE TABLE IF NOT EXISTS report_group_days (
      group_id BIGINT NOT NULL, day TEXT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (group_id, day))`,
    `CREATE TABLE IF NOT EXISTS report_counters (
      name TEXT NOT NULL, day TEXT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (name, day))`,
    'CREATE INDEX IF NOT EXISTS report_groups_last_seen ON report_groups (last_seen)',
  ];
}

export const SQL = {
  findGroup: 'SELECT id FROM report_groups WHERE key = ?',
  bumpGroup: 'UPDATE report_groups SET count = count + ?, last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END WHERE id = ?',
  insertGroup: `INSERT INTO report_groups (key, kind, directive, blocked, document, source, disposition, sample, first_seen, last_seen, count)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET count = report_groups.count + excluded.count, last_seen = excluded.last_seen RETURNING id`,
  bumpBrowser: `INSERT INTO report_group_browsers (group_id, family, count) VALUES (?, ?, ?)
    ON CONFLICT (group_id, family) DO UPDATE SET count = report_group_browsers.count + excluded.count`,
  bumpDay: `INSERT INTO report_group_days (group_id, day, count) VALUES (?, ?, ?)
    ON CONFLICT (group_id, day) DO UPDATE SET count = report_group_days.count + excluded.count`,
  bumpCounter: `INSERT INTO report_counters (name, day, count) VALUES (?, ?, ?)
    ON CONFLICT (name, day) DO UPDATE SET count = report_counters.count + excluded.count`,
  countGroups: 'SELECT COUNT(*) AS n FROM report_groups',
  allGroups: 'SELECT * FROM report_groups ORDER BY count DESC, id',
  allBrowsers: 'SELECT group_id, family, count FROM report_group_browsers',
  allDays: 'SELECT group_id, day, count FROM report_group_days',
  allCounters: 'SELECT name, SUM(count) AS n FROM report_counters GROUP BY name',
  pruneGroups: 'DELETE FROM report_groups WHERE last_seen < ?',
  pruneOrphanBrowsers: 'DELETE FROM report_group_browsers WHERE group_id NOT IN (SELECT id FROM report_groups)',
  pruneDays: 'DELETE FROM report_group_days WHERE day < ? OR group_id NOT IN (SELECT id FROM report_groups)',
  pruneCounters: 'DELETE FROM report_counters WHERE day < ?',
};

interface Row { id: number | string; key: string; kind: string; directive: string; blocked: string; document: string; source: string; disposition: string; sample: string; first_seen: number | string; last_seen: number | string; count: number | string }

/** Rows of the four tables → groups with their browsers and days. */
export function assemble(rows: Row[], browsers: { group_id: number | string; family: string; count: number | string }[],
  days: { group_id: number | string; day: string; count: number | string }[], counters: { name: string; n: number | string }[]): StoreContents {
  const byId = new Map<string, StoredGroup>();
  const groups = rows.map((r) => {
    const g: StoredGroup = {
      kind: r.kind as StoredGroup['kind'], directive: r.directive, blocked: r.blocked, document: r.document, source: r.source,
      disposition: r.disposition as StoredGroup['disposition'], sample: r.sample,
      count: Number(r.count), firstSeen: Number(r.first_seen), lastSeen: Number(r.last_seen), browsers: {}, days: {},
    };
    byId.set(String(r.id), g);
    return g;
  });
  for (const b of browsers) { const g = byId.get(String(b.group_id)); if (g) g.browsers[b.family] = Number(b.count); }
  for (const d of days) { const g = byId.get(String(d.group_id)); if (g) g.days[d.day] = Number(d.count); }
  return { groups, counters: Object.fromEntries(counters.map((c) => [c.name, Number(c.n)])) };
}
