import type { Database, SqlValue } from 'sql.js';

export type Params = SqlValue[] | Record<string, SqlValue>;
export type Row = Record<string, SqlValue>;

/** One statement as it ran, with its parameters. */
export interface Change {
  sql: string;
  params: Params;
}

/** Where committed statements go (the catalog's ChangeLog). */
export interface ChangeSink {
  add(changes: readonly Change[]): void;
}

/**
 * Thin helpers over a sql.js database: parameterized statements only, rows as plain objects. Every statement
 * run through `run` or `insert` is written to `log` once it is committed, so a save can write just the changes.
 */
export class Sql {
  constructor(
    readonly db: Database,
    readonly log?: ChangeSink,
  ) {}

  all<T>(sql: string, params: Params = [], map: (row: Row) => T = (r) => r as T): T[] {
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind(params);
      const out: T[] = [];
      while (stmt.step()) out.push(map(stmt.getAsObject()));
      return out;
    } finally {
      stmt.free();
    }
  }

  one<T>(sql: string, params: Params = [], map: (row: Row) => T = (r) => r as T): T | undefined {
    return this.all(sql, params, map)[0];
  }

  value(sql: string, params: Params = []): SqlValue | undefined {
    const row = this.one(sql, params);
    return row ? Object.values(row)[0] : undefined;
  }

  run(sql: string, params: Params = []): void {
    this.db.run(sql, params);
    this.#logged({ sql, params });
  }

  /** Runs `sql` and returns the new row id. */
  insert(sql: string, params: Params = []): number {
    this.run(sql, params);
    return Number(this.value('SELECT last_insert_rowid()'));
  }

  changes(): number {
    return this.db.getRowsModified();
  }

  /** Runs `fn` in one transaction; rolls back if it throws. Nested calls join the outer transaction. */
  transaction<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    this.db.run('BEGIN');
    this.#depth += 1;
    this.#pending = [];
    try {
      const result = fn();
      this.db.run('COMMIT');
      this.log?.add(this.#pending);
      return result;
    } catch (err) {
      this.db.run('ROLLBACK');
      throw err;
    } finally {
      this.#depth -= 1;
      this.#pending = [];
    }
  }

  #depth = 0;
  /** Statements of the open transaction: logged on commit, dropped on rollback. */
  #pending: Change[] = [];

  #logged(change: Change): void {
    if (!this.log) return;
    // Params are copied: a caller may reuse its array for the next statement.
    const copy = { sql: change.sql, params: Array.isArray(change.params) ? [...change.params] : { ...change.params } };
    if (this.#depth > 0) this.#pending.push(copy);
    else this.log.add([copy]);
  }
}

export const bool = (v: SqlValue | undefined): boolean | null =>
  v === null || v === undefined ? null : Number(v) !== 0;
export const num = (v: SqlValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));
export const str = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
