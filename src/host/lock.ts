import fs from 'node:fs';
import path from 'node:path';

export class HostLockedError extends Error {
	override name = 'HostLockedError';
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
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
			const pid = Number(fs.readFileSync(lockFile, 'utf8').trim());
			if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
				throw new HostLockedError(
					`another BabyBot host (pid ${pid}) is running for ${path.dirname(lockFile)}: use it, stop it, or pick another --home`,
				);
			}
			fs.rmSync(lockFile, {force: true});
		}
	}
	throw new HostLockedError(`could not take the host lock ${lockFile}: remove it if no host is running`);
}
