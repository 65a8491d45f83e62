// Finding the host that runs for a home: its lock names the process, its control socket answers.
import {lockHolder} from '../host/lock.js';
import type {HomePaths} from '../paths.js';
import {checkControlDir} from './control-dir.js';
import {AttachError, connectToHost, type RemoteHost} from './remote-host.js';

export interface AttachOptions {
	paths: Pick<HomePaths, 'home' | 'lockFile' | 'controlDir' | 'socketFile'>;
	logTail?: number;
	/**
	 * How long to wait for a host that holds the lock but does not answer yet (it is starting, or it
	 * is a `chat` that serves no socket and is about to end); default 20 s.
	 */
	waitMs?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const notListening = new Set(['ENOENT', 'ECONNREFUSED']);

/**
 * The running host of this home, attached; undefined when none runs (then the caller may start one).
 * Throws a one-line error when the home is unsafe, the host refuses (another version), or it holds the
 * lock without answering for `waitMs`.
 */
export async function attachToRunningHost(options: AttachOptions): Promise<RemoteHost | undefined> {
	const {paths} = options;
	const deadline = Date.now() + (options.waitMs ?? 20_000);
	for (;;) {
		const pid = lockHolder(paths.lockFile);
		if (pid === undefined) return undefined;
		checkControlDir(paths);
		try {
			return await connectToHost({socketFile: paths.socketFile, logTail: options.logTail});
		} catch (error) {
			if (error instanceof AttachError) throw error;
			if (!notListening.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
		}
		if (Date.now() > deadline) {
			throw new AttachError(`a BabyBot host (pid ${pid}) holds ${paths.lockFile} but does not answer on ${paths.socketFile}: wait for it to finish, or stop it (kill ${pid})`);
		}
		await pause(100);
	}
}
