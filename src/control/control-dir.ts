// The control socket lives in an owner-only folder of the home: nobody else may connect to the host,
// nor put a socket of their own where a client looks for it.
import fs from 'node:fs';
import type {HomePaths} from '../paths.js';

export class ControlDirError extends Error {
	override name = 'ControlDirError';
}

const uid = () => process.getuid?.() ?? -1;

function statOf(file: string): fs.Stats | undefined {
	try {
		return fs.lstatSync(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

/** Why the home cannot hold a control socket, or null: it must be ours and not writable by others. */
export function homeProblem(home: string, stat: Pick<fs.Stats, 'mode' | 'uid'>, ownUid = uid()): string | null {
	if (stat.uid !== ownUid) return `${home} belongs to another user (uid ${stat.uid}): use a home of your own (--home PATH)`;
	if (stat.mode & 0o022) return `${home} is writable by other users, so they could take over its control socket: run \`chmod go-w ${home}\``;
	return null;
}

/** Why the control folder cannot be used, or null: an owner-only folder of ours, not a link. */
export function controlDirProblem(dir: string, stat: Pick<fs.Stats, 'mode' | 'uid'> & {isDirectory(): boolean; isSymbolicLink(): boolean}, ownUid = uid()): string | null {
	if (stat.isSymbolicLink() || !stat.isDirectory()) return `${dir} is not a folder: remove it (the host makes it again)`;
	if (stat.uid !== ownUid) return `${dir} belongs to another user (uid ${stat.uid}): remove it (the host makes it again)`;
	if (stat.mode & 0o077) return `${dir} is open to other users: run \`chmod 700 ${dir}\``;
	return null;
}

function check(problem: string | null): void {
	if (problem) throw new ControlDirError(problem);
}

/** The longest Unix socket path every platform takes (macOS: 104 bytes with the final NUL). */
const maxSocketPathBytes = 103;

/** For the host, before it starts: checks the home and makes the owner-only control folder. */
export function prepareControlDir(paths: Pick<HomePaths, 'home' | 'controlDir' | 'socketFile'>): void {
	const length = Buffer.byteLength(paths.socketFile);
	if (length > maxSocketPathBytes) {
		throw new ControlDirError(`the control socket ${paths.socketFile} is ${length} bytes long, more than a Unix socket path may be (${maxSocketPathBytes}): use a shorter home (--home PATH)`);
	}
	fs.mkdirSync(paths.home, {recursive: true});
	check(homeProblem(paths.home, fs.statSync(paths.home)));
	if (!statOf(paths.controlDir)) fs.mkdirSync(paths.controlDir, {mode: 0o700});
	check(controlDirProblem(paths.controlDir, fs.lstatSync(paths.controlDir)));
}

/** For the lock holder only: whatever is left at the socket's path is a dead host's. */
export function removeStaleSocket(socketFile: string): void {
	if (statOf(socketFile)) fs.rmSync(socketFile);
}

/** For a client: the home and the control folder are safe to connect through (throws ControlDirError otherwise). */
export function checkControlDir(paths: Pick<HomePaths, 'home' | 'controlDir'>): void {
	check(homeProblem(paths.home, fs.statSync(paths.home)));
	const stat = statOf(paths.controlDir);
	if (stat) check(controlDirProblem(paths.controlDir, stat));
}
