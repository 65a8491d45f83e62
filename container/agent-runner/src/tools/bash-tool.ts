import {spawn} from 'node:child_process';
import fs from 'node:fs';

export const defaultBashTimeoutMs = 60_000;
export const maxBashTimeoutMs = 10 * 60_000;

export interface BashOptions {
	command: string;
	cwd: string;
	timeoutMs?: number;
	/** Each of stdout and stderr is cut to this many characters. */
	outputChars: number;
	env?: NodeJS.ProcessEnv;
	/** Kills the command and its children (a sub-agent killed or timed out while it runs). */
	signal?: AbortSignal;
}

export interface BashResult {
	exitCode: number | null;
	signal: string | null;
	timedOut: boolean;
	/** Killed because `signal` aborted: why. */
	stopped?: string;
	timeoutMs: number;
	stdout: string;
	stderr: string;
}

/** Collects a stream's text up to a limit, counting (not keeping) the rest. */
class BoundedText {
	private text = '';
	private dropped = 0;

	constructor(private readonly limit: number) {}

	add(chunk: string): void {
		const room = this.limit - this.text.length;
		if (room > 0) this.text += chunk.slice(0, room);
		this.dropped += Math.max(0, chunk.length - Math.max(0, room));
	}

	toString(): string {
		return this.dropped ? `${this.text}\n[cut: ${this.dropped} more characters not shown]` : this.text;
	}
}

const shell = fs.existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';

/** Runs a shell command in its own process group, killed with all its children at the timeout or when `signal` aborts. */
export function runBash(options: BashOptions): Promise<BashResult> {
	const timeoutMs = Math.min(options.timeoutMs ?? defaultBashTimeoutMs, maxBashTimeoutMs);
	return new Promise((resolve) => {
		const stdout = new BoundedText(options.outputChars);
		const stderr = new BoundedText(options.outputChars);
		let timedOut = false;
		const child = spawn(shell, ['-c', options.command], {
			cwd: options.cwd,
			env: options.env ?? process.env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => stdout.add(chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.add(chunk));
		const killGroup = () => {
			try {
				if (child.pid) process.kill(-child.pid, 'SIGKILL');
			} catch {
				child.kill('SIGKILL');
			}
		};
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup();
		}, timeoutMs);
		let stopped: string | undefined;
		const onAbort = () => {
			stopped = String(options.signal?.reason ?? 'stopped');
			killGroup();
		};
		if (options.signal?.aborted) onAbort();
		else options.signal?.addEventListener('abort', onAbort, {once: true});
		const settle = () => {
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', onAbort);
		};
		child.on('error', (error) => {
			settle();
			resolve({exitCode: null, signal: null, timedOut, timeoutMs, stdout: '', stderr: `could not start the shell: ${error.message}`});
		});
		let exit: {code: number | null; signal: string | null} = {code: null, signal: null};
		child.on('exit', (code, signal) => {
			exit = {code, signal};
			// Background children still holding the pipes would keep the call open; the group dies with the shell.
			killGroup();
		});
		child.on('close', () => {
			settle();
			resolve({exitCode: exit.code, signal: exit.signal, timedOut, timeoutMs, ...(stopped ? {stopped} : {}), stdout: stdout.toString(), stderr: stderr.toString()});
		});
	});
}

/** The text the model sees for a bash result. */
export function formatBashResult(result: BashResult, requestedTimeoutMs?: number): string {
	const lines: string[] = [];
	if (result.timedOut) lines.push(`killed: the command ran past its timeout of ${result.timeoutMs} ms`);
	else if (result.stopped) lines.push(`killed: ${result.stopped}`);
	else if (result.signal) lines.push(`killed by signal ${result.signal}`);
	else lines.push(`exit code: ${result.exitCode}`);
	if (requestedTimeoutMs !== undefined && requestedTimeoutMs > maxBashTimeoutMs) {
		lines.push(`note: timeout_ms is capped at ${maxBashTimeoutMs}`);
	}
	lines.push('stdout:', result.stdout || '(empty)', 'stderr:', result.stderr || '(empty)');
	return lines.join('\n');
}
