import type {Config} from '../config.js';
import {createHost, type Host} from '../host/create-host.js';
import {HostLockedError} from '../host/lock.js';
import {LogStore} from '../log-store.js';
import type {CommandIo} from './main.js';
import {unsandboxedWarning} from '../runtimes/none-limits.js';
import {runtimeLabel, selectLauncher} from './launcher.js';

export interface HostCommandOptions {
	config: Config;
	headless: boolean;
	io: CommandIo;
	/** Whether stdin and stdout are terminals (the UI needs both); default: the process's. */
	interactive?: boolean;
}

/** The long-running host: with the UI (default) or headless for services. */
export async function runHostCommand(options: HostCommandOptions): Promise<number> {
	const {config, headless, io} = options;
	const interactive = options.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY);
	if (!headless && !interactive) {
		io.stderr.write('babybot-tui: the UI needs a terminal (stdin and stdout are not one here): run it in a terminal, or use `babybot-tui --headless`\n');
		return 2;
	}
	// Listening from the start: a service manager's SIGTERM during start-up still stops the host cleanly.
	const signalled = headless
		? new Promise<void>((resolve) => {
				process.once('SIGTERM', resolve);
				process.once('SIGINT', resolve);
			})
		: undefined;
	const launcher = await selectLauncher(config);
	let host: Host;
	try {
		host = await createHost({config, launcher, logStore: new LogStore(), logToStderr: headless, whatsapp: true, checkSandboxes: true});
	} catch (error) {
		if (!(error instanceof HostLockedError)) throw error;
		io.stderr.write(`babybot-tui: ${error.holder}: use that one (chat in its UI with c), or stop it first (q in its UI, or kill ${error.pid})\n`);
		return 1;
	}
	if (!launcher.sandboxed) io.stderr.write(`babybot-tui: ${unsandboxedWarning(process.getuid?.() === 0)}\n`);
	await host.start();
	if (signalled) {
		io.stderr.write(`babybot-tui: host running headless (runtime ${launcher.sandboxed ? runtimeLabel(launcher) : 'none, UNSANDBOXED'}); logs in ${config.home}/logs\n`);
		await signalled;
		await host.stop();
		return 0;
	}
	const {runTui} = await import('../ui/run-tui.js');
	return runTui(host);
}
