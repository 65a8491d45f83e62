import {spawn, type ChildProcess} from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';

export const projectRoot = path.resolve(import.meta.dirname, '..', '..');
export const binPath = path.join(projectRoot, 'bin', 'babybot-tui.js');

export interface CliEnv {
	home: string;
	allowlist: string;
	ollamaUrl: string;
	runtime?: string;
	extra?: Record<string, string>;
}

/** The environment of the real binary in a test: temp home and allowlist, never the user's. */
export function cliEnv(env: CliEnv): NodeJS.ProcessEnv {
	const clean: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!key.startsWith('OLLAMA_') && !key.startsWith('BABYBOT_') && !key.startsWith('CONTAINER_')) clean[key] = value;
	}
	return {
		...clean,
		BABYBOT_HOME: env.home,
		MOUNT_ALLOWLIST_PATH: env.allowlist,
		OLLAMA_BASE_URL: env.ollamaUrl,
		CONTAINER_RUNTIME: env.runtime ?? 'none',
		LOG_LEVEL: 'debug',
		...(process.env.CONTAINER_IMAGE ? {CONTAINER_IMAGE: process.env.CONTAINER_IMAGE} : {}),
		...env.extra,
	};
}

/** The line every command that starts agents under the none runtime prints first on stderr. */
export const unsandboxedLine = /^babybot-tui(?: chat)?: UNSANDBOXED: CONTAINER_RUNTIME is none, .*\n/;

/** stderr without that line, for tests about what else a none-runtime command says. */
export const withoutUnsandboxed = (stderr: string): string => stderr.replace(unsandboxedLine, '');

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs the real binary to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [binPath, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`babybot-tui ${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
		}, timeoutMs);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({code, stdout, stderr});
		});
	});
}

/** Starts the real binary and leaves it running. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess & {output(): string} {
	const child = spawn(process.execPath, [binPath, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']});
	let output = '';
	child.stdout!.on('data', (chunk) => (output += chunk));
	child.stderr!.on('data', (chunk) => (output += chunk));
	return Object.assign(child, {output: () => output});
}

/** Waits for a condition driven by real processes; fails with `what` when it never holds. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** Reads rows from a home's store (read-only, beside a running host). */
export function queryStore<T>(home: string, sql: string, ...params: unknown[]): T[] {
	const db = new Database(path.join(home, 'store', 'babybot.db'), {readonly: true, fileMustExist: true});
	try {
		return db.prepare(sql).all(...params) as T[];
	} finally {
		db.close();
	}
}

/** A local port nothing listens on (it was free a moment ago): for "Ollama is not running" cases. */
export async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

export interface HeadlessHost {
	child: ChildProcess & {output(): string};
	pid: number;
	/** Whether the process still runs. */
	running(): boolean;
	/** SIGTERM, then the exit code. */
	stop(): Promise<number | null>;
}

/** Starts `babybot-tui --headless` and waits until it serves its control socket. */
export async function startHeadless(env: NodeJS.ProcessEnv): Promise<HeadlessHost> {
	const child = startCli(['--headless'], env);
	const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
	await waitFor('the headless host', () => child.output().includes('host running headless') || child.exitCode !== null);
	if (child.exitCode !== null) throw new Error(`the headless host exited: ${child.output()}`);
	return {
		child,
		pid: child.pid!,
		running: () => child.exitCode === null && child.signalCode === null,
		async stop() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			return closed;
		},
	};
}
