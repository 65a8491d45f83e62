import type {RuntimeName, RuntimeSetting} from '../api/types.js';
import {createAppleContainerLauncher, ensureAppleContainerSystem} from './apple-container.js';
import {cliEnv, runCli, type RunCli} from './cli-exec.js';
import {createNoneLauncher} from './none.js';
import {createDockerLauncher, createPodmanLauncher} from './oci-launcher.js';
import type {SandboxLauncher} from './runtime.js';

export type SandboxRuntime = Exclude<RuntimeName, 'none'>;
export type ProbeResult = {ok: true} | {ok: false; reason: string};
/** Whether a runtime answers (its engine runs), not merely whether its binary exists. */
export type RuntimeProbe = (runtime: SandboxRuntime) => Promise<ProbeResult>;

/** The `auto` order per platform; `none` only when none of them answers. */
export function autoOrder(platform: NodeJS.Platform): SandboxRuntime[] {
	if (platform === 'darwin') return ['apple-container', 'docker', 'podman'];
	if (platform === 'linux') return ['docker', 'podman'];
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

/** The runtime to use; throws RuntimeUnavailableError when a forced runtime does not answer. */
export async function detectRuntime(input: DetectRuntimeInput): Promise<RuntimeName> {
	const {setting, platform, probe} = input;
	if (setting === 'none') return 'none';
	if (setting !== 'auto') {
		if (setting === 'apple-container' && platform !== 'darwin') {
			throw new RuntimeUnavailableError(`CONTAINER_RUNTIME=apple-container needs macOS: set CONTAINER_RUNTIME=auto, docker or podman`);
		}
		const result = await probe(setting);
		if (result.ok) return setting;
		throw new RuntimeUnavailableError(
			`CONTAINER_RUNTIME=${setting} but ${setting} does not answer (${result.reason}): start it, or set CONTAINER_RUNTIME=auto`,
		);
	}
	for (const runtime of autoOrder(platform)) {
		const result = await probe(runtime);
		if (result.ok) return runtime;
		input.onSkip?.(runtime, result.reason);
	}
	return 'none';
}

export interface ProbeDeps {
	exec?: RunCli;
	env?: NodeJS.ProcessEnv;
	timeoutMs?: number;
}

/** Real probes: `docker info`, `podman info`, `container system status` (starting it when stopped). */
export function createRuntimeProbe(deps: ProbeDeps = {}): RuntimeProbe {
	const exec = deps.exec ?? runCli;
	const timeoutMs = deps.timeoutMs ?? 15_000;
	return async (runtime) => {
		const env = cliEnv(runtime, deps.env ?? process.env);
		const result =
			runtime === 'apple-container'
				? await ensureAppleContainerSystem({exec, env})
				: await exec(runtime, ['info', '--format', '{{json .ID}}'], {env, timeoutMs});
		return result.ok ? {ok: true} : {ok: false, reason: result.problem};
	};
}

export interface LauncherDeps {
	exec?: RunCli;
	env?: NodeJS.ProcessEnv;
	/** The configured time zone, for the runtimes that pass one to the agent (`none`). */
	timezone?: string;
}

export function createLauncher(name: RuntimeName, deps: LauncherDeps = {}): SandboxLauncher {
	switch (name) {
		case 'docker':
			return createDockerLauncher({exec: deps.exec, env: cliEnv('docker', deps.env ?? process.env)});
		case 'podman':
			return createPodmanLauncher({exec: deps.exec, env: cliEnv('podman', deps.env ?? process.env)});
		case 'apple-container':
			return createAppleContainerLauncher({exec: deps.exec, env: cliEnv('apple-container', deps.env ?? process.env)});
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

/** Detection and the launcher in one step, for start-up, `doctor`, `chat` and `image build`. */
export async function resolveLauncher(input: ResolveLauncherInput): Promise<SandboxLauncher> {
	const runtime = await detectRuntime({
		setting: input.setting,
		platform: input.platform ?? process.platform,
		probe: input.probe ?? createRuntimeProbe({exec: input.exec, env: input.env}),
		onSkip: input.onSkip,
	});
	return createLauncher(runtime, {exec: input.exec, env: input.env, timezone: input.timezone});
}
