// What the `none` runtime can and cannot promise, said the same way by `chat`, headless, doctor and the UI.
import fs from 'node:fs';
import path from 'node:path';

/** The one line every command that starts agents under `none` prints on stderr. */
export function unsandboxedWarning(hostIsRoot: boolean): string {
	const who = hostIsRoot ? 'as uid 1000 (the host is root)' : 'as your own user';
	return `UNSANDBOXED: CONTAINER_RUNTIME is none, so agents run on this machine ${who}, with its network and no limits; install Docker or Podman (or set CONTAINER_RUNTIME=auto) to sandbox them`;
}

/** What `none` cannot protect, for `doctor`. */
export function noneCannotProtect(hostIsRoot: boolean): string[] {
	const shared = [
		'network: an agent reaches anything this machine reaches (web_fetch rules and --network do not apply)',
		'limits: no memory, CPU, process or disk limits while a run lasts',
		'other groups: every group runs as the same user, so one group can read (and write) another group\'s folder and the global memory',
	];
	if (hostIsRoot) return [...shared, 'IPC races: none (the host drops to uid 1000, which cannot change its IPC folders or read the store, credentials or the host\'s environment)'];
	return [
		...shared,
		'your files: an agent runs as you and can read or change whatever you can, the WhatsApp credentials, the store and the mount allowlist included',
		'the host process: an agent can read its environment (/proc/<pid>/environ) and signal it',
		'IPC races: an agent can replace its own IPC folders while the host reads them',
	];
}

/**
 * The first of `paths` a process of uid:gid cannot reach (a folder on the way without search
 * permission for it), with that folder; undefined when all are reachable.
 */
export function unreachablePath(paths: readonly string[], uid: number, gid: number): {path: string; blockedBy: string} | undefined {
	for (const target of paths) {
		let dir = path.dirname(path.resolve(target));
		const chain: string[] = [];
		for (;;) {
			chain.unshift(dir);
			const parent = path.dirname(dir);
			if (parent === dir) break;
			dir = parent;
		}
		for (const folder of [...chain, target]) {
			const stats = fs.statSync(folder, {throwIfNoEntry: false});
			if (!stats) break;
			const bit = stats.uid === uid ? 0o100 : stats.gid === gid ? 0o010 : 0o001;
			const needs = folder === target && !stats.isDirectory() ? (stats.uid === uid ? 0o400 : stats.gid === gid ? 0o040 : 0o004) : bit;
			if ((stats.mode & needs) === 0) return {path: target, blockedBy: folder};
		}
	}
	return undefined;
}
