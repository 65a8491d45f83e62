import path from 'node:path';
import type {MountPlanEntry, SandboxSpec} from './runtime.js';

/** Thrown when a spec would put an unsafe value into a runtime's argv. One line, says what to fix. */
export class SandboxArgvError extends Error {
	override name = 'SandboxArgvError';
}

const containerNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const labelPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const imagePattern = /^[a-z0-9][a-z0-9._/:@-]{0,254}$/;
const memoryPattern = /^[1-9][0-9]*[bkmgBKMG]?$/;
const cpusPattern = /^(?:[1-9][0-9]*(?:\.[0-9]+)?|0\.[0-9]*[1-9][0-9]*)$/;
const userPattern = /^[1-9][0-9]*:[1-9][0-9]*$/;

function fail(message: string): never {
	throw new SandboxArgvError(message);
}

const shown = (value: string) => JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value);

export function checkContainerName(name: string): string {
	if (!containerNamePattern.test(name)) {
		fail(`container name ${shown(name)} must be letters, digits, _ . or - (starting with a letter or digit, at most 128)`);
	}
	return name;
}

export function checkInstallLabel(label: string): string {
	if (!labelPattern.test(label)) fail(`install label ${shown(label)} must be 1-64 letters, digits, _ . or -`);
	return label;
}

export function checkImage(image: string): string {
	if (!imagePattern.test(image)) fail(`image ${shown(image)} is not an image reference: set CONTAINER_IMAGE like babybot-agent:latest`);
	return image;
}

/** A non-root `uid:gid`. */
export function checkUser(user: string): string {
	if (!userPattern.test(user)) fail(`sandbox user ${shown(user)} must be a non-root uid:gid such as 1000:1000`);
	return user;
}

export function checkLimits(limits: SandboxSpec['limits']): SandboxSpec['limits'] {
	if (!memoryPattern.test(limits.memory)) fail(`memory limit ${shown(limits.memory)} must look like 512m or 1g`);
	if (!cpusPattern.test(limits.cpus)) fail(`cpu limit ${shown(limits.cpus)} must be a positive number such as 1 or 0.5`);
	if (!Number.isInteger(limits.pids) || limits.pids < 16 || limits.pids > 1_000_000) {
		fail(`pids limit ${limits.pids} must be a whole number from 16 to 1000000`);
	}
	return limits;
}

function checkPathText(kind: string, value: string): void {
	if (!value.startsWith('/') || !path.posix.isAbsolute(value)) fail(`${kind} ${shown(value)} must be an absolute path`);
	// `:` splits `-v host:container:ro`, `,` splits `--mount k=v,…`; control characters have no place in a path.
	if (/[:,\n\r\t\0]/.test(value)) fail(`${kind} ${shown(value)} contains ':' ',' or a control character, which the runtime's mount syntax cannot carry: rename it`);
	if (value.split('/').includes('..')) fail(`${kind} ${shown(value)} contains '..': use the resolved path`);
}

export function checkHostPath(hostPath: string): string {
	checkPathText('host path', hostPath);
	return hostPath;
}

export function checkContainerPath(containerPath: string): string {
	checkPathText('container path', containerPath);
	if (containerPath !== '/workspace' && !containerPath.startsWith('/workspace/')) {
		fail(`container path ${shown(containerPath)} must be under /workspace`);
	}
	return path.posix.normalize(containerPath);
}

export function checkMounts(mounts: MountPlanEntry[]): MountPlanEntry[] {
	const seen = new Set<string>();
	return mounts.map((mount) => {
		const containerPath = checkContainerPath(mount.containerPath);
		if (seen.has(containerPath)) fail(`two mounts target ${containerPath}: each container path may be mounted once`);
		seen.add(containerPath);
		return {hostPath: checkHostPath(mount.hostPath), containerPath, readonly: mount.readonly};
	});
}

/** Hidden files must sit inside a mounted directory, else there is nothing to hide. */
export function checkHiddenFiles(hiddenFiles: string[], mounts: MountPlanEntry[]): string[] {
	return hiddenFiles.map((file) => {
		const normalized = checkContainerPath(file);
		const inside = mounts.some((m) => normalized.startsWith(m.containerPath + '/'));
		if (!inside) fail(`hidden file ${shown(file)} is not inside any mount: nothing to hide there`);
		return normalized;
	});
}

/** Everything in a spec that reaches argv, checked at once. */
export function checkSpec(spec: SandboxSpec): {mounts: MountPlanEntry[]; hiddenFiles: string[]} {
	checkContainerName(spec.containerName);
	checkInstallLabel(spec.installLabel);
	checkImage(spec.image);
	checkLimits(spec.limits);
	const mounts = checkMounts(spec.mounts);
	return {mounts, hiddenFiles: checkHiddenFiles(spec.hiddenFiles, mounts)};
}
