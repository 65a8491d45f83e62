import type {Config} from '../config.js';
import {createNoneLauncher} from '../runtimes/none.js';
import type {SandboxLauncher} from '../runtimes/runtime.js';

/** The launcher for the configured runtime (detected when `auto`); throws when a forced runtime is absent. */
export async function selectLauncher(config: Config): Promise<SandboxLauncher> {
	if (config.containerRuntime === 'none' || config.containerRuntime === 'auto') return createNoneLauncher();
	throw new Error(`CONTAINER_RUNTIME=${config.containerRuntime} is not available yet`);
}

/** Doctor lines for the runtime: which one runs, whether it is sandboxed, whether the image is current. */
export async function describeRuntime(config: Config): Promise<Array<['ok' | 'warn' | 'fail', string]>> {
	try {
		const launcher = await selectLauncher(config);
		return launcher.sandboxed ? [['ok', `runtime ${launcher.name}`]] : [['warn', 'runtime none: agents run UNSANDBOXED on this machine (install Docker or Podman)']];
	} catch (error) {
		return [['fail', (error as Error).message]];
	}
}
