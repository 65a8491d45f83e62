// Refused requests, kept for the operator: a bounded copy and its reason in ipc/errors/<folder>/,
// a folder no sandbox can see. Copies are made from bytes already read from the descriptor; the
// agent's file is never moved, so no path of the agent's is ever a destination.
import {randomBytes} from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';

export interface QuarantineLimits {
	/** Bytes of one refused file that are kept. */
	copyBytes: number;
	/** Refused files kept per group; the oldest go first. */
	files: number;
}

export const defaultQuarantineLimits: QuarantineLimits = {copyBytes: 64 * 1024, files: 200};

export interface QuarantineEntry {
	folder: string;
	kind: string;
	name: string;
	reason: string;
	/** What was read of the file, when it could be read safely. */
	content?: Buffer;
}

/** A printable, bounded version of an agent's file name. */
export function quarantineName(name: string): string {
	return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'unnamed';
}

export class Quarantine {
	private readonly limits: QuarantineLimits;

	constructor(
		readonly dir: string,
		limits: Partial<QuarantineLimits> = {},
		private readonly now: () => Date = () => new Date(),
	) {
		this.limits = {...defaultQuarantineLimits, ...limits};
	}

	/** Writes the copy and `<copy>.reason.txt`; returns the copy's path. */
	async add(entry: QuarantineEntry): Promise<string> {
		const dir = path.join(this.dir, entry.folder);
		await fsp.mkdir(dir, {recursive: true, mode: 0o700});
		const stamp = this.now().toISOString().replace(/[-:.]/g, '');
		const target = path.join(dir, `${stamp}-${randomBytes(3).toString('hex')}-${quarantineName(entry.name)}`);
		const content = entry.content ?? Buffer.alloc(0);
		const kept = content.subarray(0, this.limits.copyBytes);
		await fsp.writeFile(target, kept, {flag: 'wx', mode: 0o600});
		const cut = content.length > kept.length ? `\ncut: kept ${kept.length} of ${content.length} bytes` : '';
		const unread = entry.content === undefined ? '\ncontent: not read (not a regular file, or refused unread)' : '';
		await fsp.writeFile(`${target}.reason.txt`, `${entry.reason}\nfrom: ${entry.kind}/${quarantineName(entry.name)}\nat: ${this.now().toISOString()}${cut}${unread}\n`, {flag: 'wx', mode: 0o600});
		await this.prune(dir);
		return target;
	}

	private async prune(dir: string): Promise<void> {
		const copies = (await fsp.readdir(dir)).filter((name) => !name.endsWith('.reason.txt')).sort();
		const stale = copies.slice(0, Math.max(0, copies.length - this.limits.files));
		await Promise.all(stale.flatMap((name) => [fsp.rm(path.join(dir, name), {force: true}), fsp.rm(path.join(dir, `${name}.reason.txt`), {force: true})]));
	}
}
