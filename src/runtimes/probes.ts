import type {OciEngine} from '../api/types.js';
import {ensureAppleContainerSystem} from './apple-container.js';
import {cliEnv, runCli, type RunCli} from './cli-exec.js';
import type {RuntimeName} from '../api/types.js';

export type SandboxRuntime = Exclude<RuntimeName, 'none'>;
/** `engine`: for gVisor, the engine that runs runsc. */
export type ProbeResult = {ok: true; engine?: OciEngine} | {ok: false; reason: string};
/** Whether a runtime answers (its engine runs), not merely whether its binary exists. */
export type RuntimeProbe = (runtime: SandboxRuntime) => Promise<ProbeResult>;

/** The two steps that add gVisor to a Linux host with Docker (doctor and the probe say them). */
export const gvisorSteps =
	'install runsc (Debian: apt-get install runsc), then register it in /etc/docker/daemon.json as {"runtimes": {"runsc": {"path": "/usr/bin/runsc", "runtimeArgs": ["--network=none", "--platform=ptrace"]}}} and reload dockerd with `kill -HUP $(pidof dockerd)`';

export interface ProbeDeps {
	exec?: RunCli;
	env?: NodeJS.ProcessEnv;
	timeoutMs?: number;
}

/** Whether `docker info --format '{{json .Runtimes}}'` lists runsc. */
export function listsRunsc(runtimesJson: string): boolean {
	try {
		const runtimes = JSON.parse(runtimesJson) as unknown;
		return typeof runtimes === 'object' && runtimes !== null && 'runsc' in runtimes;
	} catch {
		return false;
	}
}

/**
 * Real probes: `docker info` (whose runtimes say whether gVisor is registered), `podman info` (and
 * `podman --runtime runsc info` for gVisor on Podman), `container system status` (starting it when
 * stopped). Each engine is asked once per probe.
 */
export function createRuntimeProbe(deps: ProbeDeps = {}): RuntimeProbe {
	const exec = deps.exec ?? runCli;
	const timeoutMs = deps.timeoutMs ?? 15_000;
	const asked = new Map<string, ReturnType<RunCli>>();
	const ask = (engine: OciEngine, args: string[]) => {
		const key = [engine, ...args].join(' ');
		if (!asked.has(key)) asked.set(key, exec(engine, args, {env: cliEnv(engine, deps.env ?? process.env), timeoutMs}));
		return asked.get(key)!;
	};
	const docker = () => ask('docker', ['info', '--format', '{{json .Runtimes}}']);
	const podman = () => ask('podman', ['info', '--format', '{{json .Host.OCIRuntime.Name}}']);
	return async (runtime) => {
		if (runtime === 'apple-container') {
			const result = await ensureAppleContainerSystem({exec, env: cliEnv('apple-container', deps.env ?? process.env)});
			return result.ok ? {ok: true} : {ok: false, reason: result.problem};
		}
		if (runtime !== 'gvisor') {
			const result = await (runtime === 'docker' ? docker() : podman());
			return result.ok ? {ok: true} : {ok: false, reason: result.problem};
		}
		const onDocker = await docker();
		if (onDocker.ok && listsRunsc(onDocker.stdout)) return {ok: true, engine: 'docker'};
		if ((await podman()).ok) {
			const onPodman = await ask('podman', ['--runtime', 'runsc', 'info', '--format', '{{json .Host.OCIRuntime.Name}}']);
			if (onPodman.ok && onPodman.stdout.trim() === '"runsc"') return {ok: true, engine: 'podman'};
		}
		const engine = onDocker.ok ? 'Docker answers but lists no runsc runtime' : 'no engine lists a runsc runtime';
		return {ok: false, reason: `gVisor is not available (${engine}): ${gvisorSteps}`};
	};
}
