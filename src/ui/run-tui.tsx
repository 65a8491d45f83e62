import {render} from 'ink';
import type {HostApi} from '../api/host-api.js';
import {App} from './app.js';
import type {LeaveChoice} from './ui-state.js';

/** The host the UI shows and how leaving it works: in this process, or attached over the control socket. */
export interface TuiSession {
	host: HostApi;
	/** The pid of the host when it runs in another process (the status bar says so). */
	attachedTo?: number;
	/** Leaves the host as chosen; resolves with a line to print once the terminal is back. */
	leave(choice: LeaveChoice): Promise<string | void>;
	/** Resolves with the reason when the host goes away without this UI leaving (attached: it died). */
	lost?: Promise<string>;
}

/** A session over a host in this process: leaving always stops it. */
export function inProcessSession(host: HostApi): TuiSession {
	return {host, leave: () => host.stop()};
}

/** The process events runTui listens to (the real process by default; tests pass their own emitter). */
export type ProcessEvents = Pick<NodeJS.Process, 'on' | 'off'>;

export interface RunTuiOptions {
	stdout?: NodeJS.WriteStream;
	stdin?: NodeJS.ReadStream;
	stderr?: NodeJS.WriteStream;
	/** Route console.* above the UI (default true; off where the console cannot be patched, as under vitest). */
	patchConsole?: boolean;
	/** How long to wait for leaving (`host.stop()`) before giving up on it and exiting anyway (default 20 s). */
	stopTimeoutMs?: number;
	process?: ProcessEvents;
}

const enterScreen = '\u001b[?1049h\u001b[?25l';
const leaveScreen = '\u001b[?25h\u001b[?1049l';

type LeaveOutcome = {kind: 'left'; message?: string} | {kind: 'failed'; error: Error} | {kind: 'timeout'};

/** `session.leave(choice)`, but never longer than `ms`. */
async function leaveWithin(session: TuiSession, choice: LeaveChoice, ms: number): Promise<LeaveOutcome> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<LeaveOutcome>((resolve) => {
		timer = setTimeout(() => resolve({kind: 'timeout'}), ms);
	});
	const stopped = session.leave(choice).then(
		(message): LeaveOutcome => ({kind: 'left', message: message || undefined}),
		(error: Error): LeaveOutcome => ({kind: 'failed', error}),
	);
	try {
		return await Promise.race([stopped, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * Runs the operator UI full screen until the operator quits (or a signal, a crash or the host's end
 * ends it), leaves the host as chosen, restores the terminal and resolves with the exit status. A
 * signal or crash detaches from an attached host and stops one in this process. The terminal is
 * restored whatever happens: at once on a signal or crash (before the host stops), after a bounded
 * wait for a host that will not stop, and on process exit as a last resort.
 */
export async function runTui(session: TuiSession, options: RunTuiOptions = {}): Promise<number> {
	const {host} = session;
	/** What a signal, a crash or a lost terminal does to the host. */
	const unasked: LeaveChoice = session.attachedTo === undefined ? 'stop' : 'detach';
	const stdout = options.stdout ?? process.stdout;
	const stdin = options.stdin ?? process.stdin;
	const stderr = options.stderr ?? process.stderr;
	const events = options.process ?? process;
	const stopTimeoutMs = options.stopTimeoutMs ?? 20_000;
	let restored = false;
	// Once the terminal is gone (a closed window: SIGHUP, EIO, EPIPE) nothing more is written to it:
	// each failing write raises another error, and a crash handler that writes would loop forever.
	let terminalGone = false;
	const write = (stream: NodeJS.WriteStream, text: string) => {
		if (!terminalGone) stream.write(text);
	};
	const restore = () => {
		if (restored) return;
		restored = true;
		write(stdout, leaveScreen);
	};
	const onTerminalLost = () => {
		terminalGone = true;
		void close(129, true);
	};
	stdout.on('error', onTerminalLost);
	stderr.on('error', onTerminalLost);
	write(stdout, enterScreen);

	let finish!: (code: number) => void;
	const finished = new Promise<number>((resolve) => {
		finish = resolve;
	});
	let unmounted: Promise<void> | undefined;
	/** Takes the UI down and gives the terminal back. */
	const leaveUi = () =>
		(unmounted ??= (async () => {
			instance.unmount();
			await instance.waitUntilExit().catch(() => {});
			restore();
		})());
	let closing = false;
	/** `why`: a line saying why the UI ended without the operator asking (printed once the terminal is back). */
	const close = async (code: number, leaveFirst: boolean, choice: LeaveChoice = unasked, why?: string) => {
		if (closing) return;
		closing = true;
		if (leaveFirst) await leaveUi();
		const outcome = await leaveWithin(session, choice, stopTimeoutMs);
		await leaveUi();
		if (why) write(stderr, `babybot-tui: ${why}\n`);
		if (outcome.kind === 'left' && outcome.message) write(stderr, `babybot-tui: ${outcome.message}\n`);
		if (outcome.kind !== 'left') {
			code ||= 1;
			write(
				stderr,
				outcome.kind === 'failed'
					? `babybot-tui: ${choice === 'detach' ? 'detaching' : 'stopping the host'} failed: ${outcome.error.message}\n`
					: `babybot-tui: the host did not stop within ${Math.round(stopTimeoutMs / 1000)}s: exiting anyway (sandboxes left behind are removed at the next start)\n`,
			);
		}
		detach();
		finish(code);
	};
	const onSigterm = () => void close(143, true);
	const onSigint = () => void close(130, true);
	// The host stopped by another client (:stop there), or an attached host gone: this UI ends too.
	const unsubscribeStopping = host.events.on('stopping', ({reason}) => void close(0, true, 'stop', reason));
	void session.lost?.then((reason) => close(1, true, 'detach', `the host went away (${reason}): start it again with \`babybot-tui\``));
	let crashed = false;
	const onCrash = (error: Error) => {
		if (crashed) return;
		crashed = true;
		try {
			instance.unmount();
		} catch {
			// The UI is what crashed: the terminal comes back all the same.
		}
		restore();
		write(stderr, `babybot-tui: crashed: ${error.stack ?? error.message}\n`);
		void close(1, true);
	};
	const detach = () => {
		unsubscribeStopping();
		events.off('SIGTERM', onSigterm);
		events.off('SIGINT', onSigint);
		events.off('SIGHUP', onTerminalLost);
		events.off('uncaughtException', onCrash);
		events.off('exit', restore);
		stdout.off('error', onTerminalLost);
		stderr.off('error', onTerminalLost);
	};
	let instance: ReturnType<typeof render>;
	try {
		instance = render(<App host={host} attachedTo={session.attachedTo} onQuit={(choice) => void close(0, false, choice)} />, {
			stdout,
			stdin,
			stderr,
			interactive: true,
			exitOnCtrlC: false,
			patchConsole: options.patchConsole ?? true,
		});
	} catch (error) {
		restore();
		throw error;
	}
	events.on('SIGTERM', onSigterm);
	events.on('SIGINT', onSigint);
	events.on('SIGHUP', onTerminalLost);
	events.on('uncaughtException', onCrash);
	events.on('exit', restore);
	instance.waitUntilExit().catch((error: Error) => {
		restore();
		write(stderr, `babybot-tui: the UI failed: ${error.message}\n`);
		void close(1, true);
	});
	return finished;
}
