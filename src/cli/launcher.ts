import type {Config} from '../config.js';
import {imageStaleness} from '../image/image-staleness.js';
import {createRuntimeProbe, resolveLauncher, type RuntimeProbe} from '../runtimes/detect.js';
import {noneCannotProtect} from '../runtimes/none-limits.js';
import type {SandboxLauncher} from '../runtimes/runtime.js';

type DoctorLine = ['ok' | 'warn' | 'fail', string];

/** The launcher for the configured runtime (detected when `auto`); throws when a forced runtime is absent. */
export async function selectLauncher(config: Config, probe?: RuntimeProbe): Promise<SandboxLauncher> {
	return resolveLauncher({setting: config.containerRuntime, timezone: config.timezone, probe});
}

/** The runtime's name as the operator reads it: `gvisor (docker)` names the engine under gVisor. */
export function runtimeLabel(launcher: Pick<SandboxLauncher, 'name' | 'engine'>): string {
	return launcher.name === 'gvisor' ? `gvisor (runsc on ${launcher.engine ?? 'docker'})` : launcher.name;
}

/** Whether gVisor could be used here, and if not the two steps to add it (Linux only). */
async function gvisorLine(launcher: SandboxLauncher, probe: RuntimeProbe, platform: NodeJS.Platform): Promise<DoctorLine[]> {
	if (platform !== 'linux' || launcher.name === 'gvisor') return [];
	const gvisor = await probe('gvisor');
	if (gvisor.ok) return [['ok', `gVisor is available (runsc on ${gvisor.engine}) but not in use: set CONTAINER_RUNTIME=gvisor (or auto) for a user-space kernel under every sandbox`]];
	return [['warn', gvisor.reason]];
}

/** Doctor lines for the runtime: which one runs, whether it is sandboxed, whether gVisor is there, whether the image is current. */
export async function describeRuntime(config: Config, platform: NodeJS.Platform = process.platform): Promise<DoctorLine[]> {
	const probe = createRuntimeProbe();
	let launcher: SandboxLauncher;
	try {
		launcher = await selectLauncher(config, probe);
	} catch (error) {
		return [['fail', (error as Error).message]];
	}
	const gvisor = await gvisorLine(launcher, probe, platform);
	if (!launcher.sandboxed) {
		const root = process.getuid?.() === 0;
		const why =
			config.containerRuntime === 'none'
				? `runtime none, forced by CONTAINER_RUNTIME=none: agents run UNSANDBOXED on this machine; to sandbox them set CONTAINER_RUNTIME=auto (or gvisor, docker, podman) in the environment or ${config.home}/.env`
				: 'runtime none: no container runtime answers, so agents run UNSANDBOXED on this machine (install Docker or Podman)';
		return [['warn', why], ...noneCannotProtect(root).map((line): DoctorLine => ['warn', `none cannot protect ${line}`]), ...gvisor];
	}
	const stale = await imageStaleness(config, {runtime: launcher.name, engine: launcher.engine});
	return [
		['ok', `runtime ${runtimeLabel(launcher)}${launcher.name === 'gvisor' ? ': agents run under gVisor, a user-space kernel' : ''}`],
		...gvisor,
		stale ? ['fail', stale] : ['ok', `image ${config.containerImage} matches the agent-runner`],
	];
}
