import path from 'node:path';
import {projectRoot} from '../config.js';
import {workspacePathsFor} from './mount-plan.js';
import type {LaunchCommand, SandboxLauncher, SandboxSpec} from './runtime.js';

export const agentRunnerEntry = path.join(projectRoot, 'dist', 'container', 'agent-runner', 'src', 'main.js');

/**
 * No sandbox: the agent-runner is a child process on the host. Its environment is built from
 * nothing (no secrets, no inherited OLLAMA_*); the operator is warned everywhere it shows.
 */
export interface NoneLauncherOptions {
	nodePath?: string;
	entry?: string;
	/** The configured time zone (config.timezone, which may come from $BABYBOT_HOME/.env); default UTC. */
	timezone?: string;
}

export function createNoneLauncher(options: NoneLauncherOptions = {}): SandboxLauncher {
	const nodePath = options.nodePath ?? process.execPath;
	const entry = options.entry ?? agentRunnerEntry;
	const timezone = options.timezone ?? 'UTC';
	return {
		name: 'none',
		sandboxed: false,
		buildLaunch(spec: SandboxSpec): LaunchCommand {
			const paths = workspacePathsFor(spec.mounts, 'host');
			return {
				command: nodePath,
				args: [entry],
				env: {PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: paths.group, LANG: 'C.UTF-8', TZ: timezone},
				cwd: paths.group,
				paths,
			};
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
