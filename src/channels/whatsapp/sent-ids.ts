// The ids of messages this assistant sent, so their echoes are never taken as input, even after a restart.
import fs from 'node:fs';
import path from 'node:path';

/** Where the sent ids survive a restart. */
export interface SentIdStore {
	load(): string[];
	save(ids: readonly string[]): void;
}

/** A set of the most recent `limit` ids, oldest dropped first. */
export class RecentIds {
	private readonly ids = new Set<string>();

	constructor(
		private readonly limit: number,
		initial: Iterable<string> = [],
	) {
		for (const id of initial) this.add(id);
	}

	has(id: string): boolean {
		return this.ids.has(id);
	}

	/** Adds the id; false when it was already there. */
	add(id: string): boolean {
		if (this.ids.has(id)) return false;
		this.ids.add(id);
		while (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value as string);
		return true;
	}

	values(): string[] {
		return [...this.ids];
	}
}

/** A JSON file (0600), replaced atomically; a missing or unreadable file reads as empty. */
export function fileSentIdStore(file: string): SentIdStore {
	return {
		load() {
			try {
				const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
				return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
			} catch {
				return [];
			}
		},
		save(ids) {
			fs.mkdirSync(path.dirname(file), {recursive: true});
			const temp = `${file}.${process.pid}.tmp`;
			fs.writeFileSync(temp, JSON.stringify(ids), {mode: 0o600});
			fs.renameSync(temp, file);
		},
	};
}

export function memorySentIdStore(initial: string[] = []): SentIdStore {
	let saved = [...initial];
	return {
		load: () => [...saved],
		save(ids) {
			saved = [...ids];
		},
	};
}
