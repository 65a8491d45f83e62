import type {Config} from '../config.js';
import {attachToRunningHost} from '../control/attach.js';
import {ControlDirError, prepareControlDir} from '../control/control-dir.js';
import {serveControlSocket, type ControlServer} from '../control/control-server.js';
import {AttachError, type RemoteHost} from '../control/remote-host.js';
import {createHost, type Host} from '../host/create-host.js';
import {HostLockedError} from '../host/lock.js';
import {LogStore} from '../log-store.js';
import {homePaths} from '../paths.js';
import type {TuiSession} from '../ui/run-tui.js';
import {startBackgroundHost} from './background-host.js';
import type {CommandIo} from './main.js';
import {unsandboxedWarning} from '../runtimes/none-limits.js';
import type {SandboxLauncher} from '../runtimes/runtime.js';
import {runtimeLabel, selectLauncher} from './launcher.js';

export interface HostCommandOptions {
	config: Config;
	headless: boolean;
	io: CommandIo;
	/** Whether stdin and stdout are terminals (the UI needs both); default: the process's. */
	interactive?: boolean;
}

/** A host started here and served on the home's control socket. */
interface ServedHost {
	host: Host;
	launcher: SandboxLauncher;
	server: ControlServer;
}

/** Log lines an attached UI gets on attaching (the Logs pane's history). */
const uiLogTail = 20_000;

/** A one-line error for the operator, or rethrows what is not one of ours. */
function reportStartError(error: unknown, io: CommandIo): number {
	if (error instanceof ControlDirError || error instanceof AttachError) {
		io.stderr.write(`babybot-tui: ${error.message}\n`);
		return 1;
	}
	if (error instanceof HostLockedError) {
		io.stderr.write(`babybot-tui: ${error.holder}: open the UI with \`babybot-tui\` (it attaches), or stop that host first (:stop in its UI, or kill ${error.pid})\n`);
		return 1;
	}
	throw error;
}

/** The long-running host: with the UI (attached to a running host, or in-process) or headless for services. */
export async function runHostCommand(options: HostCommandOptions): Promise<number> {
	const {config, headless, io} = options;
	const interactive = options.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY);
	if (!headless && !interactive) {
		io.stderr.write('babybot-tui: the UI needs a terminal (stdin and stdout are not one here): run it in a terminal, or use `babybot-tui --headless`\n');
		return 2;
	}
	const paths = homePaths(config.home);
	// Listening from the start: a service manager's SIGTERM during start-up still stops the host cleanly.
	const signalled = headless
		? new Promise<void>((resolve) => {
				process.once('SIGTERM', resolve);
				process.once('SIGINT', resolve);
			})
		: undefined;
	let started: ServedHost;
	try {
		if (!headless) {
			const remote = await attachToRunningHost({paths, logTail: uiLogTail});
			if (remote) return runUi(attachedSession(remote));
		}
		started = await startServedHost(config, {logToStderr: headless, warn: (line) => io.stderr.write(`babybot-tui: ${line}\n`)});
	} catch (error) {
		// Two UIs started together: the one that lost the race for the lock attaches to the other.
		if (error instanceof HostLockedError && !headless) return runHostCommand(options);
		return reportStartError(error, io);
	}
	const {host} = started;
	if (signalled) {
		const {launcher} = started;
		io.stderr.write(`babybot-tui: host running headless (runtime ${launcher.sandboxed ? runtimeLabel(launcher) : 'none, UNSANDBOXED'}); logs in ${config.home}/logs; \`babybot-tui\` attaches to it\n`);
		await Promise.race([signalled, new Promise((resolve) => host.events.on('stopping', resolve))]);
		await stopServedHost(started);
		return 0;
	}
	return runUi(inProcessSession(started, config));
}

/** Starts a host for this home and serves it on the control socket (the home is checked first). */
export async function startServedHost(config: Config, options: {logToStderr: boolean; warn: (line: string) => void}): Promise<ServedHost> {
	const paths = homePaths(config.home);
	prepareControlDir(paths);
	const launcher = await selectLauncher(config);
	const host = await createHost({config, launcher, logStore: new LogStore(), logToStderr: options.logToStderr, whatsapp: true, checkSandboxes: true});
	if (!launcher.sandboxed) options.warn(unsandboxedWarning(process.getuid?.() === 0));
	await host.start();
	try {
		return {host, launcher, server: await serveControlSocket({host, paths})};
	} catch (error) {
		await host.stop();
		throw error;
	}
}

async function stopServedHost({host, server}: ServedHost): Promise<void> {
	await host.stop();
	await server.close();
}

async function runUi(session: TuiSession): Promise<number> {
	const {runTui} = await import('../ui/run-tui.js');
	return runTui(session);
}

function attachedSession(remote: RemoteHost): TuiSession {
	return {
		host: remote,
		attachedTo: remote.pid,
		lost: remote.closed,
		async leave(choice) {
			if (choice === 'stop') await remote.stop();
			remote.close();
			if (choice !== 'stop') return `detached; the host (pid ${remote.pid}) keeps running: \`babybot-tui\` attaches again`;
		},
	};
}

function inProcessSession(started: ServedHost, config: Config): TuiSession {
	return {
		host: started.host,
		async leave(choice) {
			await stopServedHost(started);
			if (choice !== 'background') return;
			const pid = await startBackgroundHost(config);
			return `the host keeps running in the background (pid ${pid}; logs in ${homePaths(config.home).logsDir}): \`babybot-tui\` attaches to it, :stop there stops it`;
		},
	};
}
