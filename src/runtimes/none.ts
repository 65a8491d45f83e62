import path from 'node:path';
import {projectRoot} from '../config.js';
import {workspacePathsFor} from './mount-plan.js';
import {unreachablePath} from './none-limits.js';
import type {LaunchCommand, SandboxLauncher, SandboxSpec} from './runtime.js';
import {imageUser} from './sandbox-user.js';

export const agentRunnerEntry = path.join(projectRoot, 'dist', 'container', 'agent-runner', 'src', 'main.js');

/**
 * No sandbox: the agent-runner is a child process on the host. Its environment is built from
 * nothing (no secrets, no inherited OLLAMA_*). A root host runs it as uid 1000, which cannot read
 * the store, the credentials or the host's environment; the operator is warned everywhere it shows.
 */
export interface NoneLauncherOptions {
	nodePath?: string;
	entry?: string;
	/** The configured time zone (config.timezone, which may come from $BABYBOT_HOME/.env); default UTC. */
	timezone?: string;
	/** The host's uid (default: this process's). */
	hostUid?: number;
}

export function createNoneLauncher(options: NoneLauncherOptions = {}): SandboxLauncher {
	const nodePath = options.nodePath ?? process.execPath;
	const entry = options.entry ?? agentRunnerEntry;
	const timezone = options.timezone ?? 'UTC';
	const hostUid = options.hostUid ?? process.getuid?.();
	return {
		name: 'none',
		sandboxed: false,
		buildLaunch(spec: SandboxSpec): LaunchCommand {
			const paths = workspacePathsFor(spec.mounts, 'host');
			const launch: LaunchCommand = {
				command: nodePath,
				args: [entry],
				env: {PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: paths.group, LANG: 'C.UTF-8', TZ: timezone},
				cwd: paths.group,
				paths,
			};
			if (hostUid !== 0) return launch;
			const [uid, gid] = imageUser.split(':').map(Number) as [number, number];
			const blocked = unreachablePath([nodePath, entry, ...spec.mounts.map((mount) => mount.hostPath)], uid, gid);
			if (blocked) {
				throw new Error(
					`the none runtime runs agents as uid ${uid} when the host is root, and ${blocked.path} is out of its reach (${blocked.blockedBy} has no search permission for it): chmod o+x ${blocked.blockedBy}, run babybot as a regular user, or use a container runtime`,
				);
			}
			return {...launch, uid, gid};
		},
		async stop() {
			// The runner ends the child process itself.
		},
		async listInstallContainers() {
			return [];
		},
		async remove() {},
	};
}
