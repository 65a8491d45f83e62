// Where a group's IPC lives on the host, and the repair that keeps it host-owned.
//
// Why this layout: an agent may replace anything it can write with a symlink at any moment, and
// Node has no openat(), so the host may only touch paths whose folders the agent cannot change.
// `ipc/<folder>/` itself is never mounted into a sandbox: each of messages/, tasks/ and requests/
// is its own bind mount (a mount point cannot be renamed or replaced from inside), and acks/ is
// mounted read-only. So every path the host opens is `<host-owned dirs>/<kind>/<name>`, where only
// the last component is the agent's, and that one is opened without following links.
import fs from 'node:fs';
import path from 'node:path';
import {folderProblem} from '../paths.js';

/** Directories an agent drops requests into. */
export const ipcKinds = ['messages', 'tasks', 'requests'] as const;
export type IpcKind = (typeof ipcKinds)[number];

export interface GroupIpcDirs {
	root: string;
	messages: string;
	tasks: string;
	requests: string;
	acks: string;
}

/** The IPC directories of one group; throws a one-line error for a bad folder. */
export function groupIpcDirs(ipcDir: string, folder: string): GroupIpcDirs {
	const problem = folderProblem(folder);
	if (problem) throw new Error(problem);
	const root = path.join(ipcDir, folder);
	return {root, messages: path.join(root, 'messages'), tasks: path.join(root, 'tasks'), requests: path.join(root, 'requests'), acks: path.join(root, 'acks')};
}

export interface EnsureIpcOptions {
	/** The uid that writes requests (the sandbox user when the host is root); default: the host's. */
	writerUid?: number;
}

/**
 * Creates the group's IPC directories, or repairs them: anything that is not a real directory (a
 * symlink an agent planted under an older layout, a file) is removed without being followed; the
 * root and acks/ belong to the host, the request folders to the writer. Returns the directories.
 */
export function ensureGroupIpc(ipcDir: string, folder: string, options: EnsureIpcOptions = {}): GroupIpcDirs {
	const dirs = groupIpcDirs(ipcDir, folder);
	fs.mkdirSync(ipcDir, {recursive: true});
	const hostUid = process.getuid?.();
	realDirectory(dirs.root, 0o711, hostUid);
	for (const kind of ipcKinds) realDirectory(dirs[kind], 0o700, options.writerUid ?? hostUid);
	realDirectory(dirs.acks, 0o755, hostUid);
	return dirs;
}

/** Makes `dir` a real directory owned by `uid` with `mode`, never following a link at it. */
function realDirectory(dir: string, mode: number, uid: number | undefined): void {
	const stats = fs.lstatSync(dir, {throwIfNoEntry: false});
	if (stats && !stats.isDirectory()) fs.unlinkSync(dir);
	if (!stats || !stats.isDirectory()) fs.mkdirSync(dir, {mode});
	// lchown and chmod of a directory we just checked with lstat in a folder only the host writes.
	if (uid !== undefined && process.getuid?.() === 0) fs.lchownSync(dir, uid, uid);
	fs.chmodSync(dir, mode);
}
