import fs from 'node:fs';
import path from 'node:path';
import type {HostLimits} from './properties.js';

/** The cgroup limit files of `controller` for a `/proc/PID/cgroup` text (v1 and v2). Pure. */
export function cgroupLimitFiles(cgroupText: string, root = '/sys/fs/cgroup'): {pids?: string; memory?: string} {
	const files: {pids?: string; memory?: string} = {};
	for (const entry of cgroupText.split('\n')) {
		const [id, controllers, place] = entry.split(':');
		if (place === undefined) continue;
		const names = controllers.split(',');
		if (id === '0' && controllers === '') {
			files.pids ??= path.join(root, place, 'pids.max');
			files.memory ??= path.join(root, place, 'memory.max');
		}
		if (names.includes('pids')) files.pids = path.join(root, 'pids', place, 'pids.max');
		if (names.includes('memory')) files.memory = path.join(root, 'memory', place, 'memory.limit_in_bytes');
	}
	return files;
}

const readTrimmed = (file: string | undefined) => {
	if (!file) return undefined;
	try {
		return fs.readFileSync(file, 'utf8').trim();
	} catch {
		return undefined;
	}
};

/** The pids and memory limits of a running sandbox, read on the host from its cgroup (Linux). */
export function readHostLimits(pid: number | undefined): HostLimits {
	if (pid === undefined) return {source: 'the engine does not tell the sandbox\'s host pid'};
	const text = readTrimmed(`/proc/${pid}/cgroup`);
	if (text === undefined) return {source: `/proc/${pid}/cgroup cannot be read on this host`};
	const files = cgroupLimitFiles(text);
	const pids = readTrimmed(files.pids);
	const memory = readTrimmed(files.memory);
	if (pids === undefined && memory === undefined) return {source: `no cgroup limit file of pid ${pid} can be read on this host`};
	const place = /^\d+:[^:]*pids[^:]*:(.*)$/m.exec(text)?.[1] ?? /^0::(.*)$/m.exec(text)?.[1] ?? '?';
	return {pids, memory, source: `read on the host, cgroup ${place.length > 40 ? place.slice(0, 39) + '…' : place}`};
}
