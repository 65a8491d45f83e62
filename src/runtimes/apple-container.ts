import {checkContainerName, checkInstallLabel} from './argv-checks.js';
import {buildAppleContainerArgs} from './apple-container-args.js';
import {parseAppleContainerList} from './apple-container-list.js';
import {cliEnv, runCli, type CliResult, type RunCli} from './cli-exec.js';
import {workspacePathsFor} from './mount-plan.js';
import type {LaunchCommand, SandboxLauncher, SandboxSpec} from './runtime.js';
import {installLabelKey} from './sandbox-user.js';

export interface AppleContainerOptions {
	binary?: string;
	exec?: RunCli;
	env?: Record<string, string>;
	stopSeconds?: number;
}

const notFound = /not found|no such|does not exist/i;

export function createAppleContainerLauncher(options: AppleContainerOptions = {}): SandboxLauncher {
	const binary = options.binary ?? 'container';
	const exec = options.exec ?? runCli;
	const env = options.env ?? cliEnv('apple-container');
	const stopSeconds = options.stopSeconds ?? 3;
	return {
		name: 'apple-container',
		sandboxed: true,
		buildLaunch(spec: SandboxSpec): LaunchCommand {
			return {command: binary, args: buildAppleContainerArgs(spec), env, paths: workspacePathsFor(spec.mounts, 'container')};
		},
		async stop(containerName) {
			const result = await exec(binary, ['stop', '-t', String(stopSeconds), checkContainerName(containerName)], {env, timeoutMs: (stopSeconds + 15) * 1000});
			if (!result.ok && !notFound.test(result.stderr)) throw new Error(result.problem);
		},
		async listInstallContainers(installLabel) {
			const label = checkInstallLabel(installLabel);
			const result = await exec(binary, ['ls', '--all', '--format', 'json'], {env});
			if (!result.ok) throw new Error(result.problem);
			return parseAppleContainerList(result.stdout)
				.filter((entry) => entry.labels[installLabelKey] === label)
				.map((entry) => entry.name);
		},
		async remove(containerNames) {
			if (containerNames.length === 0) return;
			const result = await exec(binary, ['delete', '--force', ...containerNames.map(checkContainerName)], {env, timeoutMs: 60_000});
			if (!result.ok && !notFound.test(result.stderr)) throw new Error(result.problem);
		},
	};
}

/**
 * Makes sure the Apple Container services run: `container system status`, and when they are
 * stopped `container system start` then status again. Returns the last result.
 */
export async function ensureAppleContainerSystem(options: {binary?: string; exec?: RunCli; env?: Record<string, string>} = {}): Promise<CliResult> {
	const binary = options.binary ?? 'container';
	const exec = options.exec ?? runCli;
	const env = options.env ?? cliEnv('apple-container');
	const status = await exec(binary, ['system', 'status'], {env, timeoutMs: 15_000});
	if (status.ok || /not installed/.test(status.problem)) return status;
	const start = await exec(binary, ['system', 'start'], {env, timeoutMs: 120_000});
	if (!start.ok) return start;
	return exec(binary, ['system', 'status'], {env, timeoutMs: 15_000});
}
