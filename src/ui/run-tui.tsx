import {render} from 'ink';
import type {HostApi} from '../host/host-api.js';
import {App} from './app.js';

export interface RunTuiOptions {
	stdout?: NodeJS.WriteStream;
	stdin?: NodeJS.ReadStream;
	stderr?: NodeJS.WriteStream;
	/** Route console.* above the UI (default true; off where the console cannot be patched, as under vitest). */
	patchConsole?: boolean;
}

const enterScreen = '\u001b[?1049h\u001b[?25l';
const leaveScreen = '\u001b[?25h\u001b[?1049l';

/**
 * Runs the operator UI full screen until the operator quits (or a signal or crash ends it), stops the
 * host, restores the terminal and resolves with the exit status.
 */
export async function runTui(host: HostApi, options: RunTuiOptions = {}): Promise<number> {
	const stdout = options.stdout ?? process.stdout;
	const stdin = options.stdin ?? process.stdin;
	const stderr = options.stderr ?? process.stderr;
	let restored = false;
	// Once the terminal is gone (closed window, SIGHUP, EIO/EPIPE) nothing more is written to it:
	// a failing write would raise another error, and a crash handler that writes would loop forever.
	let terminalGone = false;
	const write = (stream: NodeJS.WriteStream, text: string) => {
		if (!terminalGone) stream.write(text);
	};
	const restore = () => {
		if (restored) return;
		restored = true;
		write(stdout, leaveScreen);
	};
	const onTerminalError = () => {
		terminalGone = true;
		void close(129);
	};
	stdout.on('error', onTerminalError);
	stderr.on('error', onTerminalError);
	write(stdout, enterScreen);

	let finish!: (code: number) => void;
	const finished = new Promise<number>((resolve) => {
		finish = resolve;
	});
	let closing = false;
	const close = async (code: number) => {
		if (closing) return;
		closing = true;
		try {
			await host.stop();
		} catch (error) {
			code ||= 1;
			restore();
			write(stderr, `babybot-tui: stopping the host failed: ${(error as Error).message}\n`);
		}
		instance.unmount();
		await instance.waitUntilExit().catch(() => {});
		restore();
		process.off('SIGTERM', onSigterm);
		process.off('SIGINT', onSigint);
		process.off('SIGHUP', onSighup);
		process.off('uncaughtException', onCrash);
		stdout.off('error', onTerminalError);
		stderr.off('error', onTerminalError);
		finish(code);
	};
	const onSigterm = () => void close(143);
	const onSigint = () => void close(130);
	const onSighup = () => {
		terminalGone = true;
		void close(129);
	};
	let crashed = false;
	const onCrash = (error: Error) => {
		if (crashed) return;
		crashed = true;
		restore();
		write(stderr, `babybot-tui: crashed: ${error.stack ?? error.message}\n`);
		void close(1);
	};
	let instance: ReturnType<typeof render>;
	try {
		instance = render(<App host={host} onQuit={() => void close(0)} />, {
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
	process.on('SIGTERM', onSigterm);
	process.on('SIGINT', onSigint);
	process.on('SIGHUP', onSighup);
	process.on('uncaughtException', onCrash);
	instance.waitUntilExit().catch((error: Error) => {
		restore();
		write(stderr, `babybot-tui: the UI failed: ${error.message}\n`);
		void close(1);
	});
	return finished;
}
