// Validation of a requested extra mount against the operator's allowlist. Pure but for fs reads.
import nodeFs from 'node:fs';
import path from 'node:path';
import type {ExtraMountSpec} from '../api/types.js';
import type {AllowlistResult} from './allowlist.js';

/** Always blocked, whatever the allowlist says. */
export const defaultBlockedPatterns = [
	'.ssh',
	'.gnupg',
	'.gpg',
	'.aws',
	'.azure',
	'.gcloud',
	'.kube',
	'.docker',
	'credentials',
	'.env',
	'.netrc',
	'.npmrc',
	'.pypirc',
	'id_rsa',
	'id_ed25519',
	'private_key',
	'.secret',
] as const;

/** Folders of the machine itself: never mounted, whatever the allowlist says. */
export const systemFolders = ['/proc', '/sys', '/dev', '/run', '/boot', '/etc', '/var/run'] as const;

export interface MountFs {
	realpathSync(p: string): string;
	statSync(p: string): {isDirectory(): boolean};
}

export interface ValidateMountInput {
	request: ExtraMountSpec;
	allowlist: AllowlistResult;
	isMain: boolean;
	homeDir: string;
	/** The group asking: roots limited to other groups do not count for it. Absent: roots for all groups only. */
	groupFolder?: string;
	/** The host's own state (its home, the allowlist's folder, the project's .env): never mountable, nor any folder holding one. */
	protectedPaths?: readonly string[];
	/** The agent asked (not the operator): only roots marked `autoApprove` grant it without the operator. */
	agentRequest?: boolean;
	fs?: MountFs;
}

/** Why a mount was refused; the first three an operator can fix by approving (adding a root). */
export type RejectCode =
	| 'no-allowlist'
	| 'bad-allowlist'
	| 'not-under-root'
	| 'bad-path'
	| 'missing'
	| 'not-directory'
	| 'blocked'
	| 'protected'
	| 'needs-approval'
	| 'bad-name';

export type MountVerdict =
	| {
			allowed: true;
			/** The real path on the host. */
			hostPath: string;
			name: string;
			containerPath: string;
			readonly: boolean;
			/** The allowed root (as written in the allowlist) that admits it. */
			root: string;
			/** That root lets agents' requests through without the operator. */
			autoApprove: boolean;
			/** Why read-write was asked but not granted. */
			note?: string;
	  }
	| {allowed: false; reason: string; code: RejectCode};

export const fixableByApproval = (code: RejectCode) => code === 'no-allowlist' || code === 'bad-allowlist' || code === 'not-under-root' || code === 'needs-approval';

const separators = new Set(['-', '_', '.']);

/** Whether a pattern sits in a path component bounded by its start/end or `-` `_` `.` on each side. */
export function componentMatches(component: string, pattern: string): boolean {
	const haystack = component.toLowerCase();
	const needle = pattern.toLowerCase();
	if (!needle) return false;
	for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
		const end = at + needle.length;
		const startOk = at === 0 || separators.has(haystack[at - 1]) || separators.has(needle[0]);
		const endOk = end === haystack.length || separators.has(haystack[end]) || separators.has(needle[needle.length - 1]);
		if (startOk && endOk) return true;
	}
	return false;
}

/** The first blocked pattern matched by a component of the path, with that component. */
export function blockedBy(realPath: string, patterns: readonly string[]): {pattern: string; component: string} | undefined {
	for (const component of realPath.split(path.sep).filter(Boolean)) {
		for (const pattern of patterns) if (componentMatches(component, pattern)) return {pattern, component};
	}
	return undefined;
}

/** Why a container name is refused, or null. */
export function containerNameProblem(name: string): string | null {
	if (name === '') return 'the container name is empty: pass a name such as --as notes';
	if (name.startsWith('/')) return `the container name "${name}" is absolute: give a plain name, it is mounted at /workspace/extra/NAME`;
	if (name.includes('..')) return `the container name "${name}" contains "..": give a plain name`;
	for (const bad of ['/', '\\', ':', ',']) {
		if (name.includes(bad)) return `the container name "${name}" contains "${bad}": give a plain name without / \\ : ,`;
	}
	if (name.startsWith('-')) return `the container name "${name}" starts with "-" (it would read as an option): give a plain name`;
	if (name === '.') return 'the container name "." is not a folder name: give a plain name';
	if (/[\u0000-\u001f\u007f]/.test(name)) return 'the container name contains control characters: give a plain name';
	if (name.length > 128) return 'the container name is longer than 128 characters: give a shorter name';
	return null;
}

function isInside(root: string, target: string): boolean {
	const relative = path.relative(root, target);
	return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

const reject = (code: RejectCode, reason: string): MountVerdict => ({allowed: false, code, reason});

/** Expands `~` and `~/…`; any other `~user` form or a relative path is refused. */
function absoluteRequestPath(hostPath: string, homeDir: string): string | {problem: string} {
	if (hostPath.trim() === '') return {problem: 'the host path is empty: give a folder such as ~/notes'};
	if (hostPath === '~') return homeDir;
	if (hostPath.startsWith('~/')) return path.join(homeDir, hostPath.slice(2));
	if (hostPath.startsWith('~')) return {problem: `the host path "${hostPath}" uses a ~user form: write it as ~/… or an absolute path`};
	if (!path.isAbsolute(hostPath)) return {problem: `the host path "${hostPath}" is relative: write it as ~/… or an absolute path`};
	return path.resolve(hostPath);
}

/** Decides whether a sandbox may get this host folder, where, and whether read-only. */
export function validateMount(input: ValidateMountInput): MountVerdict {
	const {request, allowlist, isMain, homeDir} = input;
	const fs = input.fs ?? nodeFs;
	if (!allowlist.ok) return reject(allowlist.missing ? 'no-allowlist' : 'bad-allowlist', allowlist.error);

	const absolute = absoluteRequestPath(request.hostPath, homeDir);
	if (typeof absolute !== 'string') return reject('bad-path', absolute.problem);
	let real: string;
	try {
		real = fs.realpathSync(absolute);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') return reject('missing', `${request.hostPath} does not exist: create the folder first`);
		return reject('missing', `${request.hostPath} cannot be resolved (${code ?? (error as Error).message})`);
	}
	if (!fs.statSync(real).isDirectory()) return reject('not-directory', `${request.hostPath} is not a directory: only folders can be mounted`);
	if (/[:,\u0000-\u001f\u007f]/.test(real)) {
		return reject('bad-path', `${real} contains ":", "," or a control character, which container runtimes cannot mount: rename the folder`);
	}
	const realOf = (p: string) => {
		try {
			return fs.realpathSync(p);
		} catch {
			return path.resolve(p);
		}
	};
	const guarded = [...systemFolders, ...(input.protectedPaths ?? [])].map((p) => ({given: p, real: realOf(p)}));
	// Also the path as asked: /proc/self/cwd and its kind resolve to wherever the host process is.
	const hit = guarded.find((p) => isInside(p.real, real) || isInside(real, p.real) || isInside(p.given, absolute));
	if (hit) {
		const why = isInside(real, hit.real) && real !== hit.real ? `contains ${hit.given}` : `is ${hit.given} or inside it`;
		return reject('protected', `${real} ${why}, which holds BabyBot's own state or the machine's: it is never mounted, whatever the allowlist says`);
	}
	const realHome = realOf(homeDir);
	if (isInside(real, realHome)) {
		return reject('blocked', `${real} is your home folder or contains it (and with it ~/.ssh and other secrets): mount a folder inside it`);
	}

	const patterns = [...defaultBlockedPatterns, ...allowlist.allowlist.blockedPatterns];
	const blocked = blockedBy(real, patterns);
	if (blocked) return reject('blocked', `${real} matches the blocked pattern "${blocked.pattern}" (in "${blocked.component}"): secrets are never mounted`);

	const roots = allowlist.allowlist.allowedRoots
		.filter((root) => !root.groups || (input.groupFolder !== undefined && root.groups.includes(input.groupFolder)))
		.map((root) => {
			const expanded = path.resolve(root.path === '~' ? homeDir : root.path.startsWith('~/') ? path.join(homeDir, root.path.slice(2)) : root.path);
			try {
				return {root, real: fs.realpathSync(expanded)};
			} catch {
				return undefined;
			}
		})
		.filter((entry): entry is NonNullable<typeof entry> => entry !== undefined && isInside(entry.real, real))
		.sort((a, b) => b.real.length - a.real.length);
	const match = roots[0];
	if (!match) {
		return reject('not-under-root', `${real} is not under an allowed root${input.groupFolder ? ` for group ${input.groupFolder}` : ''}: approve the request or run \`babybot-tui mounts allow ${real}\``);
	}
	const autoApprove = match.root.autoApprove === true;
	if (input.agentRequest && !autoApprove) {
		return reject('needs-approval', `${real} is under the allowed root ${match.root.path}, which is not marked autoApprove: the agent's request waits for the operator`);
	}

	const name = request.containerPath ?? path.basename(absolute);
	const nameProblem = containerNameProblem(name);
	if (nameProblem) return reject('bad-name', nameProblem);

	const wantsWrite = request.readonly === false;
	let note: string | undefined;
	if (wantsWrite && !match.root.allowReadWrite) note = `read-only: the allowed root ${match.root.path} does not allow read-write`;
	else if (wantsWrite && !isMain && allowlist.allowlist.nonMainReadOnly) note = 'read-only: nonMainReadOnly makes mounts of non-main groups read-only';
	return {
		allowed: true,
		hostPath: real,
		name,
		containerPath: `/workspace/extra/${name}`,
		readonly: !wantsWrite || note !== undefined,
		root: match.root.path,
		autoApprove,
		...(note ? {note} : {}),
	};
}

/** The host's own state for `protectedPaths`: the home, the allowlist's folder and the project's .env. */
export function hostStatePaths(config: {home: string; mountAllowlistPath: string; projectRoot: string}): string[] {
	return [config.home, path.dirname(config.mountAllowlistPath), path.join(config.projectRoot, '.env')];
}
