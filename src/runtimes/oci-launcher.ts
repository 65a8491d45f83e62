import type {OciEngine} from '../api/types.js';
import {cliEnv, runCli, type RunCli} from './cli-exec.js';
import {checkContainerName, checkInstallLabel} from './argv-checks.js';
import {buildDockerArgs} from './docker-args.js';
import {buildGvisorArgs} from './gvisor-args.js';
import {workspacePathsFor} from './mount-plan.js';
import {buildPodmanArgs} from './podman-args.js';
import type {LaunchCommand, SandboxLauncher, SandboxSpec} from './runtime.js';
import {installLabelKey, type HostIdentity} from './sandbox-user.js';

export interface OciLauncherOptions {
	/** The CLI binary (default `docker` / `podman`, the engine's). */
	binary?: string;
	exec?: RunCli;
	env?: Record<string, string>;
	/** Seconds `stop` waits before the engine kills the container. */
	stopSeconds?: number;
	host?: HostIdentity;
}

const noSuchContainer = /no such container|no container with name or id/i;

function createOciLauncher(
	name: 'docker' | 'podman' | 'gvisor',
	engine: OciEngine,
	buildArgs: (spec: SandboxSpec) => string[],
	options: OciLauncherOptions,
): SandboxLauncher {
	const binary = options.binary ?? engine;
	const exec = options.exec ?? runCli;
	const env = options.env ?? cliEnv(engine);
	const stopSeconds = options.stopSeconds ?? 3;
	return {
		name,
		sandboxed: true,
		engine,
		buildLaunch(spec: SandboxSpec): LaunchCommand {
			return {command: binary, args: buildArgs(spec), env, paths: workspacePathsFor(spec.mounts, 'container')};
		},
		async stop(containerName) {
			const result = await exec(binary, ['stop', '-t', String(stopSeconds), checkContainerName(containerName)], {env, timeoutMs: (stopSeconds + 15) * 1000});
			if (!result.ok && !noSuchContainer.test(result.stderr)) throw new Error(result.problem);
		},
		async listInstallContainers(installLabel) {
			const filter = `label=${installLabelKey}=${checkInstallLabel(installLabel)}`;
			const result = await exec(binary, ['ps', '-a', '--filter', filter, '--format', '{{.Names}}'], {env});
			if (!result.ok) throw new Error(result.problem);
			return result.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
		},
		async remove(containerNames) {
			if (containerNames.length === 0) return;
			// Podman's rm -f first waits 10 s for the container to stop; an orphan is killed at once, as Docker does.
			const force = engine === 'podman' ? ['rm', '-f', '-t', '0'] : ['rm', '-f'];
			const result = await exec(binary, [...force, ...containerNames.map(checkContainerName)], {env, timeoutMs: 60_000});
			if (!result.ok && !noSuchContainer.test(result.stderr)) throw new Error(result.problem);
		},
		async hostPid(containerName) {
			const result = await exec(binary, ['inspect', '--format', '{{.State.Pid}}', checkContainerName(containerName)], {env});
			const pid = Number(result.stdout.trim());
			return result.ok && Number.isInteger(pid) && pid > 0 ? pid : undefined;
		},
	};
}

const argsOptionsOf = (options: OciLauncherOptions) => ('host' in options ? {host: options.host} : {});

export function createDockerLauncher(options: OciLauncherOptions = {}): SandboxLauncher {
	return createOciLauncher('docker', 'docker', (spec) => buildDockerArgs(spec, argsOptionsOf(options)), options);
}

export function createPodmanLauncher(options: OciLauncherOptions = {}): SandboxLauncher {
	return createOciLauncher('podman', 'podman', (spec) => buildPodmanArgs(spec, argsOptionsOf(options)), options);
}

/** gVisor: the engine's CLI with the runsc runtime. */
export function createGvisorLauncher(options: OciLauncherOptions & {engine: OciEngine}): SandboxLauncher {
	return createOciLauncher('gvisor', options.engine, (spec) => buildGvisorArgs(spec, {engine: options.engine, ...argsOptionsOf(options)}), options);
}
