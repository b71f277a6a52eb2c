// Where collected reports live: one schema, on SQLite (a file, the default) or PostgreSQL (a
// postgres:// URL, for several collectors behind one edge). Reports arrive as increments of groups;
// a batch is one transaction, committed before any browser is told its report was accepted.
import { DEFAULT_MAX_GROUPS, type ReportStore } from './store-schema.js';

export * from './store-schema.js';

/** Opens `--db`: a postgres:// URL, or a SQLite file path (created when missing). */
export async function openStore(db: string, options: { maxGroups?: number; readOnly?: boolean } = {}): Promise<ReportStore> {
  if (/^postgres(ql)?:\/\//i.test(db)) {
    const { PostgresStore } = await import('./store-postgres.js');
    return PostgresStore.open(db, options.maxGroups ?? DEFAULT_MAX_GROUPS);
  }
  const { SqliteStore } = await import('./store-sqlite.js');
  return SqliteStore.open(db, options.maxGroups ?? DEFAULT_MAX_GROUPS, options.readOnly ?? false);
}

