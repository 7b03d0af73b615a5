// Which rules are running, for auto_restore. The engine marks each start and stop as it happens;
// every mark is its own committed transaction, so a `kill -9` of the daemon loses nothing.
import type Database from 'better-sqlite3';

export interface ActiveRepo {
  /** Record that a rule is running. Unknown rule names are ignored (returns false). */
  markActive(name: string): boolean;
  markInactive(name: string): void;
  /** Replace the whole set in one transaction; returns the names actually stored (known rules). */
  replaceAll(names: readonly string[]): string[];
  /** Names in the order they became active. */
  list(): string[];
}

export function createActiveRepo(db: Database.Database, now: () => Date): ActiveRepo {
  const sql = {
    // Through SELECT so a name without a rule is skipped instead of failing the foreign key.
    mark: db.prepare<[string, string]>('INSERT OR IGNORE INTO active_rules (name, since) SELECT name, ? FROM rules WHERE name = ?'),
    unmark: db.prepare<[string]>('DELETE FROM active_rules WHERE name = ?'),
    clear: db.prepare('DELETE FROM active_rules'),
    list: db.prepare<[], { name: string }>('SELECT active_rules.name FROM active_rules JOIN rules ON rules.name = active_rules.name ORDER BY active_rules.since, rules.id'),
    exists: db.prepare<[string], { name: string }>('SELECT name FROM active_rules WHERE name = ?'),
  };

  function mark(name: string): boolean {
    sql.mark.run(now().toISOString(), name);
    return sql.exists.get(name) !== undefined;
  }

  return {
    markActive: mark,
    markInactive(name) {
      sql.unmark.run(name);
    },
    replaceAll: db.transaction((names: readonly string[]) => {
      sql.clear.run();
      return names.filter((n) => mark(n));
    }),
    list() {
      return sql.list.all().map((r) => r.name);
    },
  };
}
