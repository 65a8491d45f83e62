// The control socket's wire format: one JSON object per line (NDJSON), a version handshake first.
import {z} from 'zod';
import type {HostEventName, HostSnapshot} from '../api/host-api.js';
import type {LogLine} from '../api/types.js';

/** Raised when the frames change incompatibly; a client and a host of different versions refuse each other. */
export const protocolVersion = 1;
/** The largest frame a host accepts from a client. */
export const maxClientFrameBytes = 1024 * 1024;
/** The largest frame a client accepts from its host (a snapshot of a big install). */
export const maxHostFrameBytes = 64 * 1024 * 1024;
/** The most log lines a client may ask to get on attaching. */
export const maxLogTail = 100_000;

const helloSchema = z.strictObject({
	type: z.literal('hello'),
	version: z.number().int(),
	/** Send this many of the newest log lines, then every new one. */
	logTail: z.number().int().min(0).max(maxLogTail).optional(),
});
const callSchema = z.strictObject({
	type: z.literal('call'),
	id: z.number().int().min(0),
	method: z.string().max(100),
	args: z.array(z.unknown()).max(16),
});
const clientFrameSchema = z.discriminatedUnion('type', [helloSchema, callSchema]);

export type ClientFrame = z.infer<typeof clientFrameSchema>;

export type HostFrame =
	| {type: 'welcome'; version: number; pid: number; home: string; snapshot: HostSnapshot}
	/** A bad frame or a refused handshake; the host closes the connection after it. */
	| {type: 'error'; message: string}
	| {type: 'result'; id: number; value?: unknown; error?: string}
	| {type: 'event'; name: Exclude<HostEventName, 'change'>; payload: unknown}
	/** A snapshot part changed: its new value (the client's mirror takes it before telling its listeners). */
	| {type: 'change'; part: keyof HostSnapshot; value: unknown}
	| {type: 'logs'; lines: LogLine[]; skipped?: number}
	/** The client fell behind and frames were dropped: here is the whole state again. */
	| {type: 'resync'; snapshot: HostSnapshot; skipped: number}
	/** The host is stopping; the connection ends when it has. */
	| {type: 'bye'; reason: string};

export function encodeFrame(frame: ClientFrame | HostFrame): string {
	return JSON.stringify(frame) + '\n';
}

/** A client frame, or a one-line reason it is refused. */
export function parseClientFrame(line: string): {frame: ClientFrame} | {error: string} {
	let raw: unknown;
	try {
		raw = JSON.parse(line);
	} catch {
		return {error: `a frame is not JSON (${JSON.stringify(line.slice(0, 40))}): send one JSON object per line`};
	}
	const parsed = clientFrameSchema.safeParse(raw);
	if (parsed.success) return {frame: parsed.data};
	const issue = parsed.error.issues[0];
	const where = issue.path.length ? ` at ${issue.path.join('.')}` : '';
	return {error: `a frame is not a hello or a call${where}: ${issue.message}`};
}

/**
 * Splits a byte stream into lines, never holding more than `maxBytes` of one line: a longer one
 * is an overflow, and the reader is then done.
 */
export class LineReader {
	private pending: Buffer[] = [];
	private pendingBytes = 0;
	overflowed = false;

	constructor(readonly maxBytes: number) {}

	/** The complete lines in `chunk` (with what came before); those before an overflow, then none. */
	push(chunk: Buffer): string[] {
		if (this.overflowed) return [];
		const lines: string[] = [];
		let start = 0;
		for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
			if (this.pendingBytes + end - start > this.maxBytes) return this.overflow(lines);
			this.pending.push(chunk.subarray(start, end));
			lines.push(Buffer.concat(this.pending).toString('utf8'));
			this.pending = [];
			this.pendingBytes = 0;
			start = end + 1;
		}
		if (this.pendingBytes + chunk.length - start > this.maxBytes) return this.overflow(lines);
		if (start < chunk.length) {
			this.pending.push(chunk.subarray(start));
			this.pendingBytes += chunk.length - start;
		}
		return lines;
	}

	private overflow(lines: string[]): string[] {
		this.overflowed = true;
		this.pending = [];
		this.pendingBytes = 0;
		return lines;
	}
}
