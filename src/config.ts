import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {RuntimeSetting} from './api/types.js';

export interface Config {
	home: string;
	assistantName: string;
	/** `@Name`. */
	trigger: string;
	ollamaBaseUrl: string;
	ollamaModel: string;
	/** A model request that sends nothing for this long is ended (a stalled model). */
	ollamaStallTimeoutMs: number;
	/** num_ctx for every request of the model: a number, or `auto` (see src/llm/context-size.ts). */
	ollamaNumCtx: number | 'auto';
	/** keep_alive sent on every request: a Go duration (`30m`) or seconds; negative keeps the model loaded. */
	ollamaKeepAlive: string | number;
	ollamaThink: ThinkSetting;
	/** Model requests sent to Ollama at once (its OLLAMA_NUM_PARALLEL); the rest wait in the host's fair queue. */
	ollamaNumParallel: number;
	/** The delegate tool (sub-agents); off removes it. */
	enableAgentSwarms: boolean;
	/** Sub-agents one delegate call may start. */
	agentSwarmMax: number;
	/** Rounds of tool calls one sub-agent may make. */
	agentSwarmMaxRounds: number;
	/** Prompt and output tokens one sub-agent may use. */
	agentSwarmTokenBudget: number;
	containerRuntime: RuntimeSetting;
	containerImage: string;
	containerTimeoutMs: number;
	containerIdleTimeoutMs: number;
	containerMaxOutputBytes: number;
	/** MB a group's folder may use; a group over it gets no new run until files are removed. */
	groupDiskQuotaMb: number;
	maxConcurrentContainers: number;
	/** ENABLE_AUTO_MEMORY: after a turn that states a lasting fact or preference, the agent is asked to record it. */
	enableAutoMemory: boolean;
	mountAllowlistPath: string;
	logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
	/** `logs/babybot.log` is rotated before it grows past this; `logMaxFiles` files are kept, the current one included. */
	logMaxBytes: number;
	logMaxFiles: number;
	/** Days ended runs, task run logs and sent or given-up replies are kept; messages are kept for good. */
	retentionDays: number;
	timezone: string;
	/** The checkout or installed package root: templates, built-in skills, the Dockerfile. */
	projectRoot: string;
}

export type ThinkSetting = 'off' | 'on' | 'low' | 'medium' | 'high';

export class ConfigError extends Error {
	override name = 'ConfigError';
}

/** The folder of this package's package.json: the checkout, or the installed package (from src/ or dist/src/). */
function findProjectRoot(start: string): string {
	for (let dir = start; ; dir = path.dirname(dir)) {
		if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
		if (path.dirname(dir) === dir) return path.resolve(start, '..');
	}
}

export const projectRoot = findProjectRoot(path.dirname(new URL(import.meta.url).pathname));

const runtimeSettings = ['auto', 'apple-container', 'docker', 'podman', 'gvisor', 'none'] as const;
const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
const thinkSettings = ['off', 'on', 'low', 'medium', 'high'] as const;

export type ConfigSource = Record<string, string | undefined>;

/** Parses `KEY=value` lines; `#` comments, optional quotes. Unknown keys are kept. */
export function parseDotEnv(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [index, raw] of text.split(/\r?\n/).entries()) {
		const line = raw.trim();
		if (!line || line.startsWith('#')) continue;
		const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
		if (!match) throw new ConfigError(`.env line ${index + 1} is not KEY=value: fix or remove "${line.slice(0, 40)}"`);
		let value = match[2];
		if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
		else value = value.replace(/\s+#.*$/, '');
		out[match[1]] = value;
	}
	return out;
}

export function expandHome(p: string, homeDir = os.homedir()): string {
	if (p === '~') return homeDir;
	if (p.startsWith('~/')) return path.join(homeDir, p.slice(2));
	return p;
}

function positiveInt(source: ConfigSource, key: string, fallback: number, unit: string): number {
	const raw = source[key];
	if (raw === undefined || raw === '') return fallback;
	if (!/^\d+$/.test(raw.trim()) || Number(raw) <= 0) {
		throw new ConfigError(`${key}=${raw} is not a positive whole number of ${unit}: set it like ${key}=${fallback}`);
	}
	return Number(raw);
}

function boundedInt(source: ConfigSource, key: string, fallback: number, max: number, unit: string): number {
	const value = positiveInt(source, key, fallback, unit);
	if (value > max) throw new ConfigError(`${key}=${value} is more than ${max} ${unit}: set it between 1 and ${max}`);
	return value;
}

function onOff(source: ConfigSource, key: string, fallback: boolean): boolean {
	const raw = source[key];
	if (raw === undefined || raw.trim() === '') return fallback;
	const value = raw.trim().toLowerCase();
	if (['1', 'true', 'on', 'yes'].includes(value)) return true;
	if (['0', 'false', 'off', 'no'].includes(value)) return false;
	throw new ConfigError(`${key}=${raw} is neither on nor off: set ${key}=true or ${key}=false`);
}

function oneOf<T extends string>(source: ConfigSource, key: string, allowed: readonly T[], fallback: T): T {
	const raw = source[key];
	if (raw === undefined || raw === '') return fallback;
	const value = raw.trim().toLowerCase();
	if (!(allowed as readonly string[]).includes(value)) {
		throw new ConfigError(`${key}=${raw} is not one of ${allowed.join(', ')}: pick one of those`);
	}
	return value as T;
}

function validUrl(key: string, raw: string): string {
	const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`;
	let url: URL;
	try {
		url = new URL(withScheme);
	} catch {
		throw new ConfigError(`${key}=${raw} is not a URL: set it like ${key}=http://127.0.0.1:11434`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new ConfigError(`${key}=${raw} must be an http:// or https:// URL`);
	}
	return url.origin + url.pathname.replace(/\/+$/, '');
}

function numCtxSetting(raw: string | undefined): number | 'auto' {
	const value = (raw ?? '').trim().toLowerCase();
	if (value === '' || value === 'auto') return 'auto';
	if (!/^\d+$/.test(value) || Number(value) < 1024) {
		throw new ConfigError(`OLLAMA_NUM_CTX=${raw} is not a context size: set a number of tokens of at least 1024 (e.g. OLLAMA_NUM_CTX=16384) or auto`);
	}
	return Number(value);
}

/** Ollama's keep_alive: a Go duration such as 30m or 1h30m, or whole seconds; -1 keeps the model loaded. */
function keepAliveSetting(raw: string | undefined): string | number {
	const value = (raw ?? '').trim();
	if (value === '') return '30m';
	if (/^-?\d+$/.test(value)) return Number(value);
	if (/^-?(\d+(\.\d+)?(ms|s|m|h))+$/.test(value)) return value;
	throw new ConfigError(`OLLAMA_KEEP_ALIVE=${raw} is not a duration: set it like OLLAMA_KEEP_ALIVE=30m (or 1h, 300 for seconds, -1 to keep the model loaded)`);
}

function validTimezone(raw: string): string {
	try {
		new Intl.DateTimeFormat('en-US', {timeZone: raw});
		return raw;
	} catch {
		throw new ConfigError(`TZ=${raw} is not a known time zone: use an IANA name such as Europe/Berlin or UTC`);
	}
}

/** Reads `$home/.env` if present; the environment and flags win over it. */
export function readHomeDotEnv(home: string): Record<string, string> {
	const file = path.join(home, '.env');
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch {
		return {};
	}
	try {
		return parseDotEnv(text);
	} catch (error) {
		throw new ConfigError(`${file}: ${(error as Error).message}`);
	}
}

export interface LoadConfigOptions {
	env?: ConfigSource;
	/** CLI flags, already named like the environment variables (`BABYBOT_HOME` for `--home`). */
	flags?: ConfigSource;
	homeDir?: string;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
	const env = options.env ?? process.env;
	const flags = options.flags ?? {};
	const homeDir = options.homeDir ?? os.homedir();
	const homeRaw = flags.BABYBOT_HOME ?? env.BABYBOT_HOME ?? path.join(homeDir, '.babybot');
	if (homeRaw.trim() === '') throw new ConfigError('BABYBOT_HOME is empty: set it to a folder, e.g. BABYBOT_HOME=~/.babybot');
	const home = path.resolve(expandHome(homeRaw, homeDir));
	const source: ConfigSource = {...readHomeDotEnv(home), ...definedOnly(env), ...definedOnly(flags)};

	const assistantName = (source.ASSISTANT_NAME ?? 'Baby').trim();
	if (!/^[\p{L}\p{N}_-]{1,32}$/u.test(assistantName)) {
		throw new ConfigError(`ASSISTANT_NAME=${source.ASSISTANT_NAME} must be 1-32 letters, digits, _ or -: e.g. ASSISTANT_NAME=Baby`);
	}
	const ollamaRaw = source.OLLAMA_BASE_URL || source.OLLAMA_HOST || 'http://127.0.0.1:11434';
	const ollamaKey = source.OLLAMA_BASE_URL ? 'OLLAMA_BASE_URL' : 'OLLAMA_HOST';
	const model = (source.OLLAMA_MODEL ?? 'qwen3:8b').trim();
	if (!/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/.test(model)) {
		throw new ConfigError(`OLLAMA_MODEL=${source.OLLAMA_MODEL} is not a model name: use one from \`ollama list\`, e.g. qwen3:8b`);
	}
	const image = (source.CONTAINER_IMAGE ?? 'babybot-agent:latest').trim();
	if (!/^[a-z0-9][a-z0-9._/:@-]*$/.test(image)) {
		throw new ConfigError(`CONTAINER_IMAGE=${source.CONTAINER_IMAGE} is not an image reference: e.g. babybot-agent:latest`);
	}
	const allowlistRaw = source.MOUNT_ALLOWLIST_PATH || path.join(homeDir, '.config', 'babybot', 'mount-allowlist.json');

	return {
		home,
		assistantName,
		trigger: `@${assistantName}`,
		ollamaBaseUrl: validUrl(ollamaKey, ollamaRaw),
		ollamaModel: model,
		ollamaStallTimeoutMs: positiveInt(source, 'OLLAMA_STALL_TIMEOUT', 120_000, 'milliseconds'),
		ollamaNumCtx: numCtxSetting(source.OLLAMA_NUM_CTX),
		ollamaKeepAlive: keepAliveSetting(source.OLLAMA_KEEP_ALIVE),
		ollamaThink: oneOf(source, 'OLLAMA_THINK', thinkSettings, 'off'),
		ollamaNumParallel: boundedInt(source, 'OLLAMA_NUM_PARALLEL', 1, 32, 'requests'),
		enableAgentSwarms: onOff(source, 'ENABLE_AGENT_SWARMS', true),
		agentSwarmMax: boundedInt(source, 'AGENT_SWARM_MAX', 3, 10, 'sub-agents'),
		agentSwarmMaxRounds: boundedInt(source, 'AGENT_SWARM_MAX_ROUNDS', 10, 100, 'rounds'),
		agentSwarmTokenBudget: positiveInt(source, 'AGENT_SWARM_TOKEN_BUDGET', 60_000, 'tokens'),
		containerRuntime: oneOf(source, 'CONTAINER_RUNTIME', runtimeSettings, 'auto'),
		containerImage: image,
		containerTimeoutMs: positiveInt(source, 'CONTAINER_TIMEOUT', 30 * 60_000, 'milliseconds'),
		containerIdleTimeoutMs: positiveInt(source, 'CONTAINER_IDLE_TIMEOUT', 5 * 60_000, 'milliseconds'),
		containerMaxOutputBytes: positiveInt(source, 'CONTAINER_MAX_OUTPUT_SIZE', 10 * 1024 * 1024, 'bytes'),
		groupDiskQuotaMb: positiveInt(source, 'GROUP_DISK_QUOTA_MB', 1024, 'megabytes'),
		maxConcurrentContainers: positiveInt(source, 'MAX_CONCURRENT_CONTAINERS', 3, 'containers'),
		enableAutoMemory: onOff(source, 'ENABLE_AUTO_MEMORY', true),
		mountAllowlistPath: path.resolve(expandHome(allowlistRaw, homeDir)),
		logLevel: oneOf(source, 'LOG_LEVEL', logLevels, 'info'),
		logMaxBytes: positiveInt(source, 'LOG_MAX_SIZE', 10 * 1024 * 1024, 'bytes'),
		logMaxFiles: positiveInt(source, 'LOG_MAX_FILES', 5, 'files'),
		retentionDays: positiveInt(source, 'RETENTION_DAYS', 30, 'days'),
		timezone: validTimezone(source.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'),
		projectRoot,
	};
}

function definedOnly(source: ConfigSource): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(source)) if (value !== undefined) out[key] = value;
	return out;
}
