// Versioned migrations: a store applies exactly the versions it lacks, in order, once.
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {migrate, openDb} from '../../src/store/db.js';
import {migrations, type Migration} from '../../src/store/migrations.js';
import {TaskStore} from '../../src/store/tasks.js';
import {tempHome} from '../support/temp-home.js';

const m = (version: number): Migration => ({version, name: `v${version}`, sql: `CREATE TABLE t${version} (x INTEGER);`});

describe('migrate', () => {
	it.each<[string, number[], number[], number[]]>([
		['a new store applies all, in version order', [], [3, 1, 2], [1, 2, 3]],
		['an up-to-date store applies none', [1, 2, 3], [1, 2, 3], [1, 2, 3]],
		['a store from an older release applies only the newer ones', [1], [1, 2, 3], [1, 2, 3]],
		['a store missing a middle version (parallel parts) applies just that one', [1, 3], [1, 2, 3], [1, 2, 3]],
	])('%s', (_name, before, list, after) => {
		const {home} = tempHome();
		const file = path.join(home, 'store.db');
		const db = openDb(file, before.map(m));
		const appliedAt = new Map(db.prepare('SELECT version, applied_at FROM schema_version').all().map((r) => {
			const row = r as {version: number; applied_at: string};
			return [row.version, row.applied_at];
		}));
		// A version applied twice would fail on its CREATE TABLE.
		migrate(db, list.map(m));
		const rows = db.prepare('SELECT version, applied_at FROM schema_version ORDER BY rowid').all() as Array<{version: number; applied_at: string}>;
		expect(rows.map((r) => r.version).sort()).toEqual(after);
		for (const row of rows) if (appliedAt.has(row.version)) expect(row.applied_at).toBe(appliedAt.get(row.version));
		const added = rows.map((r) => r.version).filter((v) => !before.includes(v));
		expect(added).toEqual([...added].sort());
		for (const version of after) expect(db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 't${version}'`).get()).toEqual({n: 1});
		db.close();
	});

	it('rolls back a migration that fails, leaving its version unapplied', () => {
		const {home} = tempHome();
		const db = openDb(path.join(home, 'store.db'), [m(1)]);
		expect(() => migrate(db, [m(1), {version: 2, name: 'broken', sql: 'CREATE TABLE half (x); SELECT * FROM nowhere;'}])).toThrow(/nowhere/);
		expect(db.prepare('SELECT version FROM schema_version').pluck().all()).toEqual([1]);
		expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
		db.close();
	});

	it('a store of the first five versions: its tasks read as misfire once, the unused tables are dropped', () => {
		const {home} = tempHome();
		const file = path.join(home, 'babybot.db');
		const old = openDb(file, migrations.filter((x) => x.version <= 5));
		old.prepare(`INSERT INTO scheduled_tasks (id, group_folder, chat_jid, prompt, schedule_type, schedule_value, next_run, status, created_at)
			VALUES ('t1', 'main', 'local:main', 'p', 'interval', '60000', '2026-01-01T00:00:00.000Z', 'active', '2026-01-01T00:00:00.000Z')`).run();
		old.close();
		const db = openDb(file);
		expect(new TaskStore(db).get('t1')).toMatchObject({misfire: 'once', status: 'active'});
		expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('kv', 'sessions')").pluck().all()).toEqual([]);
		db.close();
	});

	it('the shipped migrations reopen cleanly: a second open applies nothing', () => {
		const {home} = tempHome();
		const file = path.join(home, 'babybot.db');
		openDb(file).close();
		const db = openDb(file);
		expect(db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all()).toEqual(migrations.map((x) => x.version).sort((a, b) => a - b));
		db.close();
	});
});
