import fs from 'node:fs';
import path from 'node:path';

export const folderPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Folder names no group may take, and what they are (compared in lower case). */
export const reservedFolders = new Map([
	['global', 'the global memory'],
	['errors', 'the IPC quarantine folder ipc/errors'],
]);

/** Why a group folder name is refused, or null when it is fine. */
export function folderProblem(folder: string): string | null {
	if (!folderPattern.test(folder)) {
		return `folder "${folder}" must be 1-64 letters, digits, _ or -, starting with a letter or digit`;
	}
	const reserved = reservedFolders.get(folder.toLowerCase());
	if (reserved) return `folder "${folder}" is reserved for ${reserved}: pick another name`;
	return null;
}

export interface HomePaths {
	home: string;
	storeDir: string;
	dbFile: string;
	authDir: string;
	groupsDir: string;
	globalDir: string;
	ipcDir: string;
	ipcErrorsDir: string;
	sessionsDir: string;
	logsDir: string;
	/** What the service manager, and a host handed to the background, append the headless host's output to. */
	serviceLogFile: string;
	backgroundLogFile: string;
	skillsDir: string;
	/** Earlier versions of the memory files, kept by the host (no sandbox sees them). */
	memoryHistoryDir: string;
	lockFile: string;
	/** Owner-only folder of the control socket. */
	controlDir: string;
	socketFile: string;
}

export function homePaths(home: string): HomePaths {
	const storeDir = path.join(home, 'store');
	return {
		home,
		storeDir,
		dbFile: path.join(storeDir, 'babybot.db'),
		authDir: path.join(storeDir, 'auth'),
		groupsDir: path.join(home, 'groups'),
		globalDir: path.join(home, 'groups', 'global'),
		ipcDir: path.join(home, 'ipc'),
		ipcErrorsDir: path.join(home, 'ipc', 'errors'),
		sessionsDir: path.join(home, 'sessions'),
		logsDir: path.join(home, 'logs'),
		serviceLogFile: path.join(home, 'logs', 'service.log'),
		backgroundLogFile: path.join(home, 'logs', 'background.log'),
		skillsDir: path.join(home, 'skills'),
		memoryHistoryDir: path.join(home, 'memory-history'),
		lockFile: path.join(home, 'host.lock'),
		controlDir: path.join(home, 'control'),
		socketFile: path.join(home, 'control', 'host.sock'),
	};
}

/** A group's own directories; throws when the folder is invalid or would leave its parent. */
export function groupPaths(paths: HomePaths, folder: string): {group: string; ipc: string; session: string} {
	const problem = folderProblem(folder);
	if (problem) throw new Error(problem);
	const inside = (parent: string) => {
		const resolved = path.resolve(parent, folder);
		if (path.dirname(resolved) !== path.resolve(parent)) throw new Error(`folder "${folder}" leaves ${parent}`);
		return resolved;
	};
	return {group: inside(paths.groupsDir), ipc: inside(paths.ipcDir), session: inside(paths.sessionsDir)};
}

/** The real path of an existing folder (links resolved); `shown` is how errors name it. */
export function existingFolder(folder: string, shown = folder): string {
	let real: string;
	try {
		real = fs.realpathSync(folder);
	} catch {
		throw new Error(`${shown} does not exist: create the folder first`);
	}
	if (!fs.statSync(real).isDirectory()) throw new Error(`${shown} is not a directory: allow a folder`);
	return real;
}
