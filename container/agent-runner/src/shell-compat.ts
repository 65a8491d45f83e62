// Under the runsc of Debian 12 (gVisor 2022-12) GNU ls and stat (coreutils 9.1) fail on every path
// with "Invalid argument": their statx call passes AT_NO_AUTOMOUNT, which that kernel refuses. The
// image links busybox's ls and stat (which use fstatat) into statxCompatDir; the agent's shell finds
// them first only where GNU stat fails and busybox's works.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const statxCompatDir = '/opt/babybot/statx-compat';

export type StatProbe = (command: string) => boolean;

const statWorks: StatProbe = (command) => spawnSync(command, ['-c', '%s', '/'], {stdio: 'ignore', timeout: 5000}).status === 0;

/**
 * The PATH for the agent's shell: `currentPath`, with the compat folder first when GNU stat cannot
 * run here. Outside the image (no compat folder: the none runtime) nothing is probed.
 */
export function shellPath(currentPath: string, probe: StatProbe = statWorks, compatDir = statxCompatDir, exists = fs.existsSync): {path: string; compat: boolean} {
	const compatStat = path.join(compatDir, 'stat');
	if (currentPath.split(':').includes(compatDir) || !exists(compatStat) || probe('stat') || !probe(compatStat)) return {path: currentPath, compat: false};
	return {path: `${compatDir}:${currentPath}`, compat: true};
}
