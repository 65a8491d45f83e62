import type {Config} from '../config.js';
import {createHost} from '../host/create-host.js';
import {LogStore} from '../log-store.js';
import type {CommandIo} from './main.js';
import {selectLauncher} from './launcher.js';

/** The long-running host: with the UI (default) or headless for services. */
export async function runHostCommand(options: {config: Config; headless: boolean; io: CommandIo}): Promise<number> {
	const {config, headless, io} = options;
	const launcher = await selectLauncher(config);
	const host = await createHost({config, launcher, logStore: new LogStore(), logToStderr: headless, whatsapp: true});
	await host.start();
	if (headless) {
		io.stderr.write(`babybot-tui: host running headless (runtime ${launcher.sandboxed ? launcher.name : 'none, UNSANDBOXED'}); logs in ${config.home}/logs\n`);
		await new Promise<void>((resolve) => {
			process.once('SIGTERM', resolve);
			process.once('SIGINT', resolve);
		});
		await host.stop();
		return 0;
	}
	const {runTui} = await import('../ui/run-tui.js');
	return runTui(host);
}
