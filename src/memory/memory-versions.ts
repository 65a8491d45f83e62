// Earlier versions of the memory files, kept by the host in $BABYBOT_HOME/memory-history/<target>/
// (a group folder's name, or `global`): outside every mount, so an agent can neither read, change
// nor delete the versions the operator restores from. A version is saved before the host has a
// file compacted and before it restores one; the newest few are kept.
import fsp from 'node:fs/promises';
import path from 'node:path';
import {folderProblem} from '../paths.js';

export type VersionReason = 'compaction' | 'restore';

export interface MemoryVersion {
	/** The file name without `.md`: `<time>-<reason>`. */
	id: string;
	savedAt: string;
	reason: VersionReason;
	text: string;
}

export interface MemoryVersionsOptions {
	dir: string;
	/** Versions kept per file (default 5). */
	keep?: number;
	now?: () => Date;
}

const idPattern = /^(\d{8}T\d{9}Z)(?:-(\d+))?-(compaction|restore)$/;
/** Time, then the number a second version of the same millisecond gets. */
const sortKey = (name: string) => {
	const [, stamp, n] = idPattern.exec(name.slice(0, -'.md'.length))!;
	return `${stamp}${(n ?? '0').padStart(6, '0')}`;
};

const stampOf = (date: Date) => date.toISOString().replace(/[-:.]/g, '');
const dateOf = (stamp: string) => `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}.${stamp.slice(15, 18)}Z`;

/** Whose memory: a group folder, or `global`; anything else is refused before it becomes a path. */
export function checkTarget(target: string): void {
	if (target !== 'global' && folderProblem(target)) throw new Error(`no memory file "${target}": name a group folder or global`);
}

export class MemoryVersions {
	private readonly keep: number;
	private readonly now: () => Date;

	constructor(private readonly options: MemoryVersionsOptions) {
		this.keep = options.keep ?? 5;
		this.now = options.now ?? (() => new Date());
	}

	/** Keeps `text` as the newest version; nothing when it equals the newest already kept. */
	async save(target: string, text: string, reason: VersionReason): Promise<MemoryVersion | undefined> {
		const [newest] = await this.list(target);
		if (newest?.text === text) return undefined;
		const dir = this.dirOf(target);
		await fsp.mkdir(dir, {recursive: true, mode: 0o700});
		const stamp = stampOf(this.now());
		// A second version of the same millisecond gets the next number (the names sort by both).
		const sameMoment = (await this.names(dir)).filter((name) => name.startsWith(stamp)).length;
		for (let n = sameMoment; ; n++) {
			const id = `${stamp}${n ? `-${n}` : ''}-${reason}`;
			try {
				await fsp.writeFile(path.join(dir, `${id}.md`), text, {flag: 'wx', mode: 0o600});
				await this.prune(dir);
				return {id, savedAt: dateOf(stamp), reason, text};
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			}
		}
	}

	/** The kept versions, newest first. */
	async list(target: string): Promise<MemoryVersion[]> {
		const dir = this.dirOf(target);
		const names = await this.names(dir);
		return Promise.all(
			names.map(async (name) => {
				const id = name.slice(0, -'.md'.length);
				const [, stamp, , reason] = idPattern.exec(id)!;
				return {id, savedAt: dateOf(stamp), reason: reason as VersionReason, text: await fsp.readFile(path.join(dir, name), 'utf8')};
			}),
		);
	}

	async read(target: string, id: string): Promise<MemoryVersion> {
		const version = (await this.list(target)).find((candidate) => candidate.id === id);
		if (!version) throw new Error(`no kept version ${id} of the memory of ${target}: open the group's details to see the versions kept`);
		return version;
	}

	private dirOf(target: string): string {
		checkTarget(target);
		return path.join(this.options.dir, target);
	}

	/** Version files, newest first (their names sort by time). */
	private async names(dir: string): Promise<string[]> {
		try {
			const names = (await fsp.readdir(dir)).filter((name) => name.endsWith('.md') && idPattern.test(name.slice(0, -3)));
			return names.map((name) => ({name, key: sortKey(name)})).sort((a, b) => b.key.localeCompare(a.key)).map(({name}) => name);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
			throw error;
		}
	}

	private async prune(dir: string): Promise<void> {
		for (const name of (await this.names(dir)).slice(this.keep)) await fsp.rm(path.join(dir, name), {force: true});
	}
}
