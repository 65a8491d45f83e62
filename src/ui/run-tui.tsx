import {render} from 'ink';
import type {HostApi} from '../api/host-api.js';
import {App} from './app.js';

/** The process events runTui listens to (the real process by default; tests pass their own emitter). */
export type ProcessEvents = Pick<NodeJS.Process, 'on' | 'off'>;

export interface RunTuiOptions {
	stdout?: NodeJS.WriteStream;
	stdin?: NodeJS.ReadStream;
	stderr?: NodeJS.WriteStream;
	/** Route console.* above the UI (default true; off where the console cannot be patched, as under vitest). */
	patchConsole?: boolean;
	/** How long to wait for `host.stop()` before giving up on it and exiting anyway (default 20 s). */
	stopTimeoutMs?: number;
	process?: ProcessEvents;
}

const enterScreen = '\u001b[?1049h\u001b[?25l';
const leaveScreen = '\u001b[?25h\u001b[?1049l';

type StopOutcome = {kind: 'stopped'} | {kind: 'failed'; error: Error} | {kind: 'timeout'};

/** `host.stop()`, but never longer than `ms`. */
async function stopWithin(host: HostApi, ms: number): Promise<StopOutcome> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<StopOutcome>((resolve) => {
		timer = setTimeout(() => resolve({kind: 'timeout'}), ms);
	});
	const stopped = host.stop().then(
		(): StopOutcome => ({kind: 'stopped'}),
		(error: Error): StopOutcome => ({kind: 'failed', error}),
	);
	try {
		return await Promise.race([stopped, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * Runs the operator UI full screen until the operator quits (or a signal or crash ends it), stops the
 * host, restores the terminal and resolves with the exit status. The terminal is restored whatever
 * happens: at once on a signal or crash (before the host stops), after a bounded wait for a host that
 * will not stop, and on process exit as a last resort.
 */
export async function runTui(host: HostApi, options: RunTuiOptions = {}): Promise<number> {
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
	const close = async (code: number, leaveFirst: boolean) => {
		if (closing) return;
		closing = true;
		if (leaveFirst) await leaveUi();
		const outcome = await stopWithin(host, stopTimeoutMs);
		if (outcome.kind !== 'stopped') {
			code ||= 1;
			await leaveUi();
			write(
				stderr,
				outcome.kind === 'failed'
					? `babybot-tui: stopping the host failed: ${outcome.error.message}\n`
					: `babybot-tui: the host did not stop within ${Math.round(stopTimeoutMs / 1000)}s: exiting anyway (sandboxes left behind are removed at the next start)\n`,
			);
		}
		await leaveUi();
		detach();
		finish(code);
	};
	const onSigterm = () => void close(143, true);
	const onSigint = () => void close(130, true);
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
		instance = render(<App host={host} onQuit={() => void close(0, false)} />, {
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
