// Saved forward rules. Validated with forwardRuleSchema going in and coming out; `name` is unique
// and list order is insertion order. Every SQL statement for the table is prepared here.
import type Database from 'better-sqlite3';
import { ErrorCode, WarrenError } from '../../src-shared/api/errors.js';
import { forwardRuleSchema, parseForwardRule, ruleNameSchema, type ForwardRule } from '../../src-shared/api/models.js';
import type { StoreLog } from './store-log.js';

interface RuleRow {
  name: string;
  kind: string;
  rule_json: string;
  created_at: string;
  updated_at: string;
}

export interface RuleEntry {
  rule: ForwardRule;
  created_at: string;
  updated_at: string;
}

export interface RulesRepo {
  /** Throws WarrenError RuleAlreadyExists (1005) when the name is taken. */
  insert(rule: ForwardRule): RuleEntry;
  /** Replace the rule called `name` (rule.name may differ: that renames it). 1004 / 1005 on failure. */
  update(name: string, rule: ForwardRule): RuleEntry;
  rename(from: string, to: string): RuleEntry;
  /** false when there was no such rule. */
  delete(name: string): boolean;
  get(name: string): ForwardRule | undefined;
  getEntry(name: string): RuleEntry | undefined;
  list(): ForwardRule[];
  listEntries(): RuleEntry[];
  has(name: string): boolean;
}

const validateIn = (rule: ForwardRule): ForwardRule => parseForwardRule(rule, 'rule');

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY');
}

export function createRulesRepo(db: Database.Database, now: () => Date, log: StoreLog): RulesRepo {
  const sql = {
    insert: db.prepare<[string, string, string, string, string]>(
      'INSERT INTO rules (name, kind, rule_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    ),
    update: db.prepare<[string, string, string, string, string]>(
      'UPDATE rules SET name = ?, kind = ?, rule_json = ?, updated_at = ? WHERE name = ?',
    ),
    delete: db.prepare<[string]>('DELETE FROM rules WHERE name = ?'),
    get: db.prepare<[string], RuleRow>('SELECT name, kind, rule_json, created_at, updated_at FROM rules WHERE name = ?'),
    list: db.prepare<[], RuleRow>('SELECT name, kind, rule_json, created_at, updated_at FROM rules ORDER BY id'),
  };

  /** A row that fails validation (hand-edited, or from a newer Warren) is reported and left alone. */
  function decode(row: RuleRow): RuleEntry | undefined {
    let json: unknown;
    try {
      json = JSON.parse(row.rule_json);
    } catch {
      log.warn({ rule: row.name }, 'stored rule is not JSON; ignoring it (delete it and add it again)');
      return undefined;
    }
    // The columns are the truth for name and kind.
    const parsed = forwardRuleSchema.safeParse({ ...(json as object), name: row.name, kind: row.kind });
    if (!parsed.success) {
      log.warn({ rule: row.name, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'stored rule is invalid; ignoring it (delete it and add it again)');
      return undefined;
    }
    return { rule: parsed.data, created_at: row.created_at, updated_at: row.updated_at };
  }

  function mustGet(name: string): RuleEntry {
    const row = sql.get.get(name);
    const entry = row && decode(row);
    if (!entry) throw new WarrenError(ErrorCode.RuleNotFound, `no rule named "${name}"`);
    return entry;
  }

  function write(name: string, rule: ForwardRule): RuleEntry {
    const valid = validateIn(rule);
    try {
      const info = sql.update.run(valid.name, valid.kind, JSON.stringify(valid), now().toISOString(), name);
      if (info.changes === 0) throw new WarrenError(ErrorCode.RuleNotFound, `no rule named "${name}"`);
    } catch (e) {
      if (isUniqueViolation(e)) throw new WarrenError(ErrorCode.RuleAlreadyExists, `a rule named "${valid.name}" already exists`);
      throw e;
    }
    return mustGet(valid.name);
  }

  return {
    insert(rule) {
      const valid = validateIn(rule);
      const at = now().toISOString();
      try {
        sql.insert.run(valid.name, valid.kind, JSON.stringify(valid), at, at);
      } catch (e) {
        if (isUniqueViolation(e)) throw new WarrenError(ErrorCode.RuleAlreadyExists, `a rule named "${valid.name}" already exists`);
        throw e;
      }
      return { rule: valid, created_at: at, updated_at: at };
    },
    update: db.transaction((name: string, rule: ForwardRule) => write(name, rule)),
    rename: db.transaction((from: string, to: string) => {
      const parsedTo = ruleNameSchema.safeParse(to);
      if (!parsedTo.success) throw new WarrenError(ErrorCode.InvalidParams, `invalid rule name "${to}": ${parsedTo.error.issues[0]?.message ?? ''}`);
      const current = mustGet(from);
      return write(from, { ...current.rule, name: to });
    }),
    delete(name) {
      return sql.delete.run(name).changes > 0;
    },
    get(name) {
      const row = sql.get.get(name);
      return row ? decode(row)?.rule : undefined;
    },
    getEntry(name) {
      const row = sql.get.get(name);
      return row ? decode(row) : undefined;
    },
    list() {
      return sql.list.all().flatMap((row) => decode(row)?.rule ?? []);
    },
    listEntries() {
      return sql.list.all().flatMap((row) => decode(row) ?? []);
    },
    has(name) {
      return sql.get.get(name) !== undefined;
    },
  };
}
