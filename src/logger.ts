import fs from 'node:fs';
import path from 'node:path';
import {Writable} from 'node:stream';
import pino from 'pino';
import type {HostClock} from './clock.js';
import {RotatingLogFile} from './log-rotation.js';
import {LogStore} from './log-store.js';
import {safeTerminalText} from './terminal-text.js';
import type {LogLine} from './api/types.js';

export type Logger = pino.Logger;

const levelNames: Record<number, LogLine['level']> = {10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal'};
const skipFields = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

function renderFields(record: Record<string, unknown>): string {
	const parts: string[] = [];
	for (const [key, value] of Object.entries(record)) {
		if (skipFields.has(key)) continue;
		const text = typeof value === 'string' ? value : JSON.stringify(value);
		parts.push(`${key}=${text && text.length > 200 ? text.slice(0, 200) + '…' : text}`);
	}
	return parts.join(' ');
}

function ringStream(store: LogStore): Writable {
	return new Writable({
		write(chunk: Buffer, _encoding, callback) {
			for (const text of chunk.toString('utf8').split('\n')) {
				if (!text) continue;
				try {
					const record = JSON.parse(text) as Record<string, unknown>;
					store.push({
						time: Number(record.time) || Date.now(),
						level: levelNames[Number(record.level)] ?? 'info',
						msg: String(record.msg ?? ''),
						fields: renderFields(record),
					});
				} catch {
					store.push({time: Date.now(), level: 'info', msg: text, fields: ''});
				}
			}
			callback();
		},
	});
}

export interface CreateLoggerOptions {
	logsDir: string;
	level: LogLine['level'];
	store?: LogStore;
	/** Also write to stderr (headless and CLI modes, never while the UI owns the screen). */
	stderr?: boolean;
	/** Rotation of `logs/babybot.log` (LOG_MAX_SIZE, LOG_MAX_FILES; default 10 MiB × 5 files), and of the files that copy it. */
	rotation?: {maxBytes: number; maxFiles: number; companions?: string[]};
	/** The time each line carries; default the system's. */
	clock?: HostClock;
}

const defaultRotation = {maxBytes: 10 * 1024 * 1024, maxFiles: 5};

/**
 * pino to `logs/babybot.log` (rotated) and to the in-memory ring the UI reads; never to stdout.
 * `flush` ends the file: the host stopped (it is written synchronously, nothing waits in a buffer).
 */
export function createLogger(options: CreateLoggerOptions): {logger: Logger; store: LogStore; flush: () => void} {
	fs.mkdirSync(options.logsDir, {recursive: true});
	const store = options.store ?? new LogStore();
	const file = new RotatingLogFile({file: path.join(options.logsDir, 'babybot.log'), ...(options.rotation ?? defaultRotation)});
	const streams: pino.StreamEntry[] = [
		{level: options.level, stream: file},
		{level: options.level, stream: ringStream(store)},
	];
	if (options.stderr) streams.push({level: options.level, stream: pino.destination({dest: 2, sync: true})});
	const clock = options.clock;
	const timestamp = clock ? () => `,"time":${clock.now()}` : pino.stdTimeFunctions.epochTime;
	const logger = pino({level: options.level, base: undefined, timestamp, hooks: {logMethod: boundedLogMethod}}, pino.multistream(streams));
	return {logger, store, flush: () => file.close()};
}

/** Longest message and field text a log line keeps (agents write log lines too). */
export const maxLogMessageChars = 4096;
const maxLogFieldChars = 1024;

const bound = (text: string, max: number) => {
	const safe = safeTerminalText(text);
	return safe.length > max ? `${safe.slice(0, max)}… [cut: ${safe.length - max} more characters]` : safe;
};

/** Every line, whoever wrote it, is bounded and safe to show on a terminal before pino sees it. */
function boundedLogMethod(this: pino.Logger, args: Parameters<pino.LogFn>, method: pino.LogFn): void {
	const bounded = args.map((arg) => {
		if (typeof arg === 'string') return bound(arg, maxLogMessageChars);
		if (!arg || typeof arg !== 'object' || arg instanceof Error) return arg;
		const fields: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(arg as Record<string, unknown>)) fields[key] = typeof value === 'string' ? bound(value, maxLogFieldChars) : value;
		return fields;
	});
	(method as (...values: unknown[]) => void).apply(this, bounded);
}

/** A logger that drops everything: for pure unit tests. */
export function silentLogger(): Logger {
	return pino({level: 'silent'});
}
