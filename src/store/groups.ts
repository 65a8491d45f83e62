import type {GroupRegistration} from '../api/host-api.js';
import type {ExtraMountSpec, RegisteredGroup} from '../api/types.js';
import {folderProblem} from '../paths.js';
import type {Db} from './db.js';

/** A group the operator registers (never main); throws when its folder name is refused. */
export function newGroup(input: GroupRegistration, trigger: string): RegisteredGroup {
	const problem = folderProblem(input.folder);
	if (problem) throw new Error(problem);
	return {
		jid: input.jid,
		name: input.name,
		folder: input.folder,
		trigger,
		requiresTrigger: input.requiresTrigger,
		isMain: false,
		addedAt: new Date().toISOString(),
		extraMounts: input.extraMounts ?? [],
		network: input.network ?? false,
	};
}

interface GroupRow {
	jid: string;
	name: string;
	folder: string;
	trigger: string;
	requires_trigger: number;
	is_main: number;
	added_at: string;
	extra_mounts: string;
	network: number;
}

const toGroup = (row: GroupRow): RegisteredGroup => ({
	jid: row.jid,
	name: row.name,
	folder: row.folder,
	trigger: row.trigger,
	requiresTrigger: row.requires_trigger === 1,
	isMain: row.is_main === 1,
	addedAt: row.added_at,
	extraMounts: JSON.parse(row.extra_mounts) as ExtraMountSpec[],
	network: row.network === 1,
});

export class GroupStore {
	constructor(private readonly db: Db) {}

	all(): RegisteredGroup[] {
		return (this.db.prepare('SELECT * FROM registered_groups ORDER BY is_main DESC, folder').all() as GroupRow[]).map(toGroup);
	}

	byJid(jid: string): RegisteredGroup | undefined {
		const row = this.db.prepare('SELECT * FROM registered_groups WHERE jid = ?').get(jid) as GroupRow | undefined;
		return row && toGroup(row);
	}

	byFolder(folder: string): RegisteredGroup | undefined {
		const row = this.db.prepare('SELECT * FROM registered_groups WHERE folder = ?').get(folder) as GroupRow | undefined;
		return row && toGroup(row);
	}

	main(): RegisteredGroup | undefined {
		const row = this.db.prepare('SELECT * FROM registered_groups WHERE is_main = 1 LIMIT 1').get() as GroupRow | undefined;
		return row && toGroup(row);
	}

	/** Inserts; throws a one-line error when the jid or folder is taken, the folder in any letter case. */
	add(group: RegisteredGroup): void {
		if (this.byJid(group.jid)) throw new Error(`chat ${group.jid} is already registered: remove it first with \`groups remove ${group.jid}\``);
		const taken = this.db.prepare('SELECT folder FROM registered_groups WHERE folder = ? COLLATE NOCASE').pluck().get(group.folder) as string | undefined;
		if (taken === group.folder) throw new Error(`folder "${group.folder}" is already used by another group: pick another folder name`);
		// macOS disks ignore case, so `Family` and `family` would share one folder.
		if (taken) throw new Error(`folder "${group.folder}" differs only in letter case from the group folder "${taken}" (the same folder on macOS): pick another folder name`);
		this.db
			.prepare(
				`INSERT INTO registered_groups (jid, name, folder, trigger, requires_trigger, is_main, added_at, extra_mounts, network)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			)
			.run(
				group.jid,
				group.name,
				group.folder,
				group.trigger,
				group.requiresTrigger ? 1 : 0,
				group.isMain ? 1 : 0,
				group.addedAt,
				JSON.stringify(group.extraMounts),
				group.network ? 1 : 0,
			);
	}

	setExtraMounts(folder: string, mounts: ExtraMountSpec[]): void {
		this.db.prepare('UPDATE registered_groups SET extra_mounts = ? WHERE folder = ?').run(JSON.stringify(mounts), folder);
	}

	/**
	 * Removes by jid or folder, and pauses the group's active tasks in the same transaction (they
	 * would have no group to run in; resumed by the operator once the group is back). Returns the
	 * removed group and how many tasks were paused.
	 */
	remove(jidOrFolder: string): {group: RegisteredGroup; pausedTasks: number} | undefined {
		const group = this.byJid(jidOrFolder) ?? this.byFolder(jidOrFolder);
		if (!group) return undefined;
		return this.db.transaction(() => {
			this.db.prepare('DELETE FROM registered_groups WHERE jid = ?').run(group.jid);
			const paused = this.db.prepare(`UPDATE scheduled_tasks SET status = 'paused' WHERE group_folder = ? AND status = 'active'`).run(group.folder).changes;
			return {group, pausedTasks: paused};
		})();
	}
}
