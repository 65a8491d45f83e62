import {checkSpec, checkUser, SandboxArgvError} from './argv-checks.js';
import type {SandboxSpec} from './runtime.js';
import {agentCommand, imageUser, installLabelKey} from './sandbox-user.js';

export interface AppleContainerArgsOptions {
	/** `uid:gid`; each container is its own VM, so the image's user is used. */
	user?: string;
}

/**
 * `container run …` argv (without the `container`): the subset of the hardening Apple Container
 * supports (no --security-opt, no --pids-limit) and directory-only `--mount` bind mounts.
 */
export function buildAppleContainerArgs(spec: SandboxSpec, options: AppleContainerArgsOptions = {}): string[] {
	const {mounts, hiddenFiles} = checkSpec(spec);
	if (hiddenFiles.length > 0) {
		// Apple Container mounts directories only, so a file cannot be covered: refuse rather than expose it.
		throw new SandboxArgvError(
			`Apple Container cannot hide ${hiddenFiles.join(', ')} (it mounts directories only): move that file out of the project (the host reads $BABYBOT_HOME/.env) or use CONTAINER_RUNTIME=docker`,
		);
	}
	const args = [
		'run',
		'-i',
		'--rm',
		'--name',
		spec.containerName,
		'--label',
		`${installLabelKey}=${spec.installLabel}`,
		'--user',
		checkUser(options.user ?? imageUser),
		...(spec.network ? [] : ['--network', 'none']),
		'--read-only',
		'--tmpfs',
		'/tmp',
		'--memory',
		spec.limits.memory.toUpperCase(),
		// Whole CPUs only: each container is a VM.
		'--cpus',
		String(Math.max(1, Math.ceil(Number(spec.limits.cpus)))),
		'--init',
		'--cap-drop',
		'ALL',
		'-w',
		'/workspace/group',
	];
	for (const mount of mounts) {
		args.push('--mount', `type=bind,source=${mount.hostPath},target=${mount.containerPath}${mount.readonly ? ',readonly' : ''}`);
	}
	args.push(spec.image, ...agentCommand);
	return args;
}
