import fs from 'node:fs';
import path from 'node:path';

export class HostLockedError extends Error {
	override name = 'HostLockedError';

	/** `another BabyBot host (pid N) is running for HOME`, for callers that say what to do next. */
	readonly holder: string;

	constructor(
		readonly pid: number,
		readonly home: string,
	) {
		const holder = `another BabyBot host (pid ${pid}) is running for ${home}`;
		super(`${holder}: use it, or stop it first (q in its UI, or kill ${pid})`);
		this.holder = holder;
	}
}

/** Whether a process with this pid exists (EPERM: it does, but belongs to someone else). */
function isProcessAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** The lock file's pid when that process still lives; undefined for no lock or a stale one. */
export function lockHolder(lockFile: string): number | undefined {
	let text: string;
	try {
		text = fs.readFileSync(lockFile, 'utf8').trim();
	} catch {
		return undefined;
	}
	const pid = Number(text);
	return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : undefined;
}

/** One host per home: takes `host.lock` (or a stale one left by a dead host); returns the release. */
export function acquireHostLock(lockFile: string): () => void {
	fs.mkdirSync(path.dirname(lockFile), {recursive: true});
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			fs.writeFileSync(lockFile, String(process.pid), {flag: 'wx'});
			return () => {
				try {
					if (fs.readFileSync(lockFile, 'utf8').trim() === String(process.pid)) fs.rmSync(lockFile);
				} catch {}
			};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const pid = lockHolder(lockFile);
			if (pid !== undefined && pid !== process.pid) throw new HostLockedError(pid, path.dirname(lockFile));
			fs.rmSync(lockFile, {force: true});
		}
	}
	throw new Error(`could not take the host lock ${lockFile}: remove it if no host is running`);
}
