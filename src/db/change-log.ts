import type { Database } from 'sql.js';
import type { Change, ChangeSink, Params } from './sql';

export type { Change };

/**
 * The catalog's writes since it was last saved whole, statement by statement, so a save can write just them
 * (a few hundred bytes for a tag edit) instead of the whole database image (tens of megabytes at 100,000
 * videos, issue 16). Replaying them in order on the saved image gives the same database: every statement is
 * deterministic given the database before it (the clock and every other value come in as bound parameters,
 * and new row ids follow from the rows already there).
 */
/** Statements that cannot be replayed as they ran: after one, only a whole image is a faithful save. */
const needsImage = /^\s*VACUUM\b/i;

export class ChangeLog implements ChangeSink {
  #changes: Change[] = [];
  #wholeImage = false;

  /** Statements of one committed write (or a single statement outside a transaction). */
  add(changes: readonly Change[]): void {
    for (const change of changes) {
      if (needsImage.test(change.sql)) this.#wholeImage = true;
      else this.#changes.push(change);
    }
  }

  /** Whether anything changed since the last save. */
  get empty(): boolean {
    return this.#changes.length === 0 && !this.#wholeImage;
  }

  /** Set after a change only a whole image can save (VACUUM, a migration, a restored backup). */
  get wholeImage(): boolean {
    return this.#wholeImage;
  }

  requireWholeImage(): void {
    this.#wholeImage = true;
  }

  /** Everything since the last save; the log is empty afterwards. Give it back with `putBack` if the save fails. */
  take(): { changes: Change[]; wholeImage: boolean } {
    const taken = { changes: this.#changes, wholeImage: this.#wholeImage };
    this.#changes = [];
    this.#wholeImage = false;
    return taken;
  }

  /** A failed save's changes, ahead of any made while it ran. */
  putBack(taken: { changes: Change[]; wholeImage: boolean }): void {
    this.#changes = [...taken.changes, ...this.#changes];
    this.#wholeImage ||= taken.wholeImage;
  }
}

// Encoding: JSON, with each distinct statement text once and byte arrays and non-finite numbers tagged, since
// JSON has neither.
interface Encoded {
  v: 1;
  sql: string[];
  ops: [number, Params][];
}

export function encodeChanges(changes: readonly Change[]): Uint8Array {
  const texts = new Map<string, number>();
  const ops: [number, Params][] = changes.map((c) => {
    let index = texts.get(c.sql);
    if (index === undefined) texts.set(c.sql, (index = texts.size));
    return [index, c.params];
  });
  const encoded: Encoded = { v: 1, sql: [...texts.keys()], ops };
  return new TextEncoder().encode(JSON.stringify(encoded, tag));
}

export function decodeChanges(bytes: Uint8Array): Change[] {
  const encoded = JSON.parse(new TextDecoder().decode(bytes), untag) as Encoded;
  if (encoded.v !== 1 || !Array.isArray(encoded.sql) || !Array.isArray(encoded.ops)) {
    throw new Error('Not a catalog change log');
  }
  return encoded.ops.map(([index, params]) => ({ sql: encoded.sql[index], params }));
}

/** Runs logged changes on `db`, all or none: a statement that fails rolls the whole batch back and throws. */
export function replayChanges(db: Database, changes: readonly Change[]): void {
  const statements = new Map<string, ReturnType<Database['prepare']>>();
  db.run('BEGIN');
  try {
    for (const { sql, params } of changes) {
      let stmt = statements.get(sql);
      if (!stmt) statements.set(sql, (stmt = db.prepare(sql)));
      stmt.run(params);
    }
    db.run('COMMIT');
  } catch (err) {
    db.run('ROLLBACK');
    throw err;
  } finally {
    for (const stmt of statements.values()) stmt.free();
  }
}

function tag(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: toBase64(value) };
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  return value;
}

function untag(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as { $bytes?: unknown; $number?: unknown };
    if (typeof v.$bytes === 'string') return fromBase64(v.$bytes);
    if (typeof v.$number === 'string') return Number(v.$number);
  }
  return value;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
