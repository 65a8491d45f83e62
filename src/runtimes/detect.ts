import type {OciEngine, RuntimeName, RuntimeSetting} from '../api/types.js';
import {createAppleContainerLauncher} from './apple-container.js';
import {cliEnv, type RunCli} from './cli-exec.js';
import {createNoneLauncher} from './none.js';
import {createDockerLauncher, createGvisorLauncher, createPodmanLauncher} from './oci-launcher.js';
import {createRuntimeProbe, type RuntimeProbe, type SandboxRuntime} from './probes.js';
import type {SandboxLauncher} from './runtime.js';

export {createRuntimeProbe, type ProbeResult, type RuntimeProbe, type SandboxRuntime} from './probes.js';

/** The `auto` order per platform (strongest first); `none` only when none of them answers. */
export function autoOrder(platform: NodeJS.Platform): SandboxRuntime[] {
	if (platform === 'darwin') return ['apple-container', 'docker', 'podman'];
	if (platform === 'linux') return ['gvisor', 'docker', 'podman'];
	return [];
}

export class RuntimeUnavailableError extends Error {
	override name = 'RuntimeUnavailableError';
}

export interface DetectRuntimeInput {
	setting: RuntimeSetting;
	platform: NodeJS.Platform;
	probe: RuntimeProbe;
	/** Told why each runtime tried under `auto` did not answer. */
	onSkip?: (runtime: SandboxRuntime, reason: string) => void;
}

/** The runtime picked, and for gVisor the engine that runs it. */
export interface RuntimeChoice {
	name: RuntimeName;
	engine?: OciEngine;
}

/** The runtime to use; throws RuntimeUnavailableError when a forced runtime does not answer. */
export async function detectRuntime(input: DetectRuntimeInput): Promise<RuntimeChoice> {
	const {setting, platform, probe} = input;
	if (setting === 'none') return {name: 'none'};
	if (setting !== 'auto') {
		if (setting === 'apple-container' && platform !== 'darwin') {
			throw new RuntimeUnavailableError(`CONTAINER_RUNTIME=apple-container needs macOS: set CONTAINER_RUNTIME=auto, docker or podman`);
		}
		if (setting === 'gvisor' && platform !== 'linux') {
			throw new RuntimeUnavailableError(`CONTAINER_RUNTIME=gvisor needs Linux: set CONTAINER_RUNTIME=auto`);
		}
		const result = await probe(setting);
		if (result.ok) return {name: setting, engine: result.engine};
		throw new RuntimeUnavailableError(
			`CONTAINER_RUNTIME=${setting} but ${setting} does not answer (${result.reason}): start it, or set CONTAINER_RUNTIME=auto`,
		);
	}
	for (const runtime of autoOrder(platform)) {
		const result = await probe(runtime);
		if (result.ok) return {name: runtime, engine: result.engine};
		input.onSkip?.(runtime, result.reason);
	}
	return {name: 'none'};
}

export interface LauncherDeps {
	exec?: RunCli;
	env?: NodeJS.ProcessEnv;
	/** The configured time zone, for the runtimes that pass one to the agent (`none`). */
	timezone?: string;
	/** The engine gVisor runs on (default Docker). */
	engine?: OciEngine;
}

export function createLauncher(name: RuntimeName, deps: LauncherDeps = {}): SandboxLauncher {
	const env = deps.env ?? process.env;
	switch (name) {
		case 'docker':
			return createDockerLauncher({exec: deps.exec, env: cliEnv('docker', env)});
		case 'podman':
			return createPodmanLauncher({exec: deps.exec, env: cliEnv('podman', env)});
		case 'gvisor': {
			const engine = deps.engine ?? 'docker';
			return createGvisorLauncher({engine, exec: deps.exec, env: cliEnv(engine, env)});
		}
		case 'apple-container':
			return createAppleContainerLauncher({exec: deps.exec, env: cliEnv('apple-container', env)});
		case 'none':
			return createNoneLauncher({timezone: deps.timezone});
	}
}

export interface ResolveLauncherInput extends LauncherDeps {
	setting: RuntimeSetting;
	platform?: NodeJS.Platform;
	probe?: RuntimeProbe;
	onSkip?: (runtime: SandboxRuntime, reason: string) => void;
}

/** Detection and the launcher in one step, for start-up, `doctor`, `chat`, `image build` and `sandbox check`. */
export async function resolveLauncher(input: ResolveLauncherInput): Promise<SandboxLauncher> {
	const choice = await detectRuntime({
		setting: input.setting,
		platform: input.platform ?? process.platform,
		probe: input.probe ?? createRuntimeProbe({exec: input.exec, env: input.env}),
		onSkip: input.onSkip,
	});
	return createLauncher(choice.name, {exec: input.exec, env: input.env, timezone: input.timezone, engine: choice.engine});
}
