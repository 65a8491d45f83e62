import {execa} from 'execa';
import type {OciEngine, RuntimeName} from '../api/types.js';

export interface CliResult {
	ok: boolean;
	exitCode: number | null;
	stdout: string;
	stderr: string;
	/** One line: why it failed (missing binary, timeout, last stderr line). Empty when ok. */
	problem: string;
}

export interface CliOptions {
	timeoutMs?: number;
	/** The complete environment of the CLI (nothing else is inherited). */
	env?: Record<string, string>;
}

/** Runs a runtime CLI with an argv array (never a shell string). Injected so tests can fake it. */
export type RunCli = (command: string, args: string[], options?: CliOptions) => Promise<CliResult>;

export const runCli: RunCli = async (command, args, options = {}) => {
	const result = await execa(command, args, {
		reject: false,
		timeout: options.timeoutMs ?? 30_000,
		env: options.env,
		extendEnv: options.env === undefined,
		stdin: 'ignore',
	});
	const ok = !result.failed;
	let problem = '';
	if (!ok) {
		const code = (result as {code?: string}).code;
		if (code === 'ENOENT') problem = `${command} is not installed (not found on PATH)`;
		else if (result.timedOut) problem = `\`${command} ${args.join(' ')}\` did not answer within ${options.timeoutMs ?? 30_000} ms`;
		else {
			const lastLine = String(result.stderr || result.stdout || '').trim().split('\n').at(-1) ?? '';
			problem = `\`${command} ${args.join(' ')}\` failed (exit ${result.exitCode ?? '?'})${lastLine ? `: ${lastLine.slice(0, 300)}` : ''}`;
		}
	}
	return {ok, exitCode: result.exitCode ?? null, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), problem};
};

const commonKeys = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'TMPDIR'];
const runtimeKeys: Record<'docker' | 'podman' | 'apple-container', string[]> = {
	docker: ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', 'DOCKER_BUILDKIT'],
	podman: ['CONTAINER_HOST', 'CONTAINER_CONNECTION', 'CONTAINERS_CONF', 'CONTAINERS_STORAGE_CONF', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'DBUS_SESSION_BUS_ADDRESS'],
	'apple-container': [],
};

/**
 * The environment of the runtime CLI on the host: what it needs to find its engine, nothing more.
 * None of it reaches the sandbox (no `-e` is ever passed through).
 */
export function cliEnv(runtime: 'docker' | 'podman' | 'apple-container', source: NodeJS.ProcessEnv = process.env): Record<string, string> {
	const env: Record<string, string> = {};
	for (const key of [...commonKeys, ...runtimeKeys[runtime]]) {
		const value = source[key];
		if (value !== undefined && value !== '') env[key] = value;
	}
	env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
	return env;
}

/** The CLI family that manages a runtime's images and containers: gVisor's is its engine's. */
export function runtimeCli(runtime: Exclude<RuntimeName, 'none'>, engine?: OciEngine): 'docker' | 'podman' | 'apple-container' {
	return runtime === 'gvisor' ? (engine ?? 'docker') : runtime;
}
