import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface PinnedNode {
	path: string;
	version: string;
}

function versionOf(binary: string): string | null {
	try {
		return execFileSync(binary, ['--version'], {encoding: 'utf8', timeout: 15_000}).trim();
	} catch {
		return null;
	}
}

/**
 * The project's pinned Node 24 binary for the offline base: node_modules/node/bin/node (its real
 * file), else this process's node when it is Node 24.
 */
export function findPinnedNode(projectRoot: string, execPath = process.execPath): PinnedNode {
	const candidates: string[] = [];
	const pinned = path.join(projectRoot, 'node_modules', 'node', 'bin', 'node');
	if (fs.existsSync(pinned)) candidates.push(fs.realpathSync(pinned));
	candidates.push(fs.realpathSync(execPath));
	for (const candidate of candidates) {
		const version = versionOf(candidate);
		if (version?.startsWith('v24.')) return {path: candidate, version};
	}
	throw new Error(`no Node 24 binary found (looked at ${candidates.join(', ')}): run \`npm ci\` so node_modules/node is installed`);
}
