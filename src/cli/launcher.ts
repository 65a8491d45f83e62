import type {Config} from '../config.js';
import {imageStaleness} from '../image/image-staleness.js';
import {resolveLauncher} from '../runtimes/detect.js';
import {noneCannotProtect} from '../runtimes/none-limits.js';
import type {SandboxLauncher} from '../runtimes/runtime.js';

/** The launcher for the configured runtime (detected when `auto`); throws when a forced runtime is absent. */
export async function selectLauncher(config: Config): Promise<SandboxLauncher> {
	return resolveLauncher({setting: config.containerRuntime, timezone: config.timezone});
}

/** Doctor lines for the runtime: which one runs, whether it is sandboxed, whether the image is current. */
export async function describeRuntime(config: Config): Promise<Array<['ok' | 'warn' | 'fail', string]>> {
	let launcher: SandboxLauncher;
	try {
		launcher = await selectLauncher(config);
	} catch (error) {
		return [['fail', (error as Error).message]];
	}
	if (!launcher.sandboxed) {
		const root = process.getuid?.() === 0;
		const why =
			config.containerRuntime === 'none'
				? `runtime none, forced by CONTAINER_RUNTIME=none: agents run UNSANDBOXED on this machine; to sandbox them set CONTAINER_RUNTIME=auto (or docker, podman) in the environment or ${config.home}/.env`
				: 'runtime none: no container runtime answers, so agents run UNSANDBOXED on this machine (install Docker or Podman)';
		return [['warn', why], ...noneCannotProtect(root).map((line): ['warn', string] => ['warn', `none cannot protect ${line}`])];
	}
	const stale = await imageStaleness(config, {runtime: launcher.name});
	return [
		['ok', `runtime ${launcher.name}`],
		stale ? ['fail', stale] : ['ok', `image ${config.containerImage} matches the agent-runner`],
	];
}
