// The sandbox check's verdicts, kept in the home per runtime, image and group, so a start-up checks
// only what changed. A file of the host's own (never mounted into a sandbox).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface CachedVerdict {
	ok: boolean;
	/** The check's lines as printed. */
	lines: string[];
	checkedAt: string;
}

export interface VerdictKey {
	runtime: string;
	engine?: string;
	imageId: string;
	folder: string;
	/** What of the group shapes its sandbox (main or not, network, extra mounts). */
	shape: unknown;
}

const maxEntries = 200;

export function verdictKey(key: VerdictKey): string {
	const shape = crypto.createHash('sha256').update(JSON.stringify(key.shape)).digest('hex').slice(0, 16);
	return [key.runtime, key.engine ?? '', key.imageId, key.folder, shape].join('|');
}

export class VerdictCache {
	constructor(readonly file: string) {}

	private readAll(): Record<string, CachedVerdict> {
		try {
			const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as {verdicts?: Record<string, CachedVerdict>};
			return parsed.verdicts && typeof parsed.verdicts === 'object' ? parsed.verdicts : {};
		} catch {
			return {};
		}
	}

	get(key: VerdictKey): CachedVerdict | undefined {
		const found = this.readAll()[verdictKey(key)];
		return found && typeof found.ok === 'boolean' && Array.isArray(found.lines) ? found : undefined;
	}

	/** Stores a verdict (the newest 200 are kept), written atomically. */
	set(key: VerdictKey, verdict: CachedVerdict): void {
		const all = {...this.readAll(), [verdictKey(key)]: verdict};
		const kept = Object.fromEntries(Object.entries(all).sort(([, a], [, b]) => b.checkedAt.localeCompare(a.checkedAt)).slice(0, maxEntries));
		fs.mkdirSync(path.dirname(this.file), {recursive: true});
		const temp = `${this.file}.${process.pid}.tmp`;
		fs.writeFileSync(temp, JSON.stringify({verdicts: kept}, null, 2) + '\n');
		fs.renameSync(temp, this.file);
	}
}
