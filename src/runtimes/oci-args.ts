import {checkSpec, checkUser} from './argv-checks.js';
import type {SandboxSpec} from './runtime.js';
import {agentCommand, installLabelKey} from './sandbox-user.js';

export interface OciArgsOptions {
	/** `uid:gid`, never root. */
	user: string;
	/** Extra flags right after the user (Podman's `--userns=keep-id`). */
	userFlags?: string[];
	/** Flags right after `run` (gVisor's `--runtime runsc` on Docker). */
	runFlags?: string[];
	/** Size of the tmpfs at /tmp. */
	tmpSize?: string;
}

/**
 * Explicit resource limits of every OCI sandbox. Explicit because a rootful Podman otherwise tries
 * to raise them to the engine's defaults, which fails where a process may not raise its limits
 * ("error setting rlimit type 7"); nproc counts every process of the sandbox's uid on the host, so
 * it is a ceiling, and --pids-limit is the per-sandbox cap.
 */
export const sandboxUlimits = {nofile: 4096, nproc: 4096};

/**
 * `run …` argv for Docker-compatible CLIs: every hardening flag of docs/ARCHITECTURE.md, the mounts as
 * `-v host:container[:ro]`, hidden files covered by a read-only /dev/null, then image and command.
 */
export function buildOciRunArgs(spec: SandboxSpec, options: OciArgsOptions): string[] {
	const {mounts, hiddenFiles} = checkSpec(spec);
	const args = [
		'run',
		...(options.runFlags ?? []),
		'-i',
		'--rm',
		'--name',
		spec.containerName,
		'--label',
		`${installLabelKey}=${spec.installLabel}`,
		'--user',
		checkUser(options.user),
		...(options.userFlags ?? []),
		// With network the runtime's default network is used (bridge on Docker, pasta/slirp on rootless Podman).
		...(spec.network ? [] : ['--network', 'none']),
		'--read-only',
		'--tmpfs',
		`/tmp:rw,nosuid,nodev,size=${options.tmpSize ?? '256m'}`,
		'--pids-limit',
		String(spec.limits.pids),
		'--memory',
		spec.limits.memory,
		'--cpus',
		spec.limits.cpus,
		'--ulimit',
		`nofile=${sandboxUlimits.nofile}:${sandboxUlimits.nofile}`,
		'--ulimit',
		`nproc=${sandboxUlimits.nproc}:${sandboxUlimits.nproc}`,
		'--init',
		'--cap-drop',
		'ALL',
		'--security-opt',
		'no-new-privileges',
		'-w',
		'/workspace/group',
	];
	for (const mount of mounts) {
		args.push('-v', `${mount.hostPath}:${mount.containerPath}${mount.readonly ? ':ro' : ''}`);
	}
	for (const file of hiddenFiles) args.push('-v', `/dev/null:${file}:ro`);
	args.push(spec.image, ...agentCommand);
	return args;
}
