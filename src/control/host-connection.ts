// One client of the control socket, seen from the host: handshake, calls by method name, and a
// bounded outgoing queue. A client that cannot keep up loses frames and gets a fresh snapshot once
// it has read what was queued: the host never holds more than `maxQueueBytes` and one frame of
// events for it, plus the answers to the calls it may have in flight.
import type net from 'node:net';
import {isHostActionName} from '../api/host-actions.js';
import type {HostApi} from '../api/host-api.js';
import type {LogLine} from '../api/types.js';
import {encodeFrame, LineReader, parseClientFrame, protocolVersion, type ClientFrame, type HostFrame} from './protocol.js';

const logLinesPerFrame = 500;

export interface HostConnectionOptions {
	host: HostApi;
	pid: number;
	home: string;
	maxFrameBytes: number;
	maxQueueBytes: number;
	/** Calls answered at once per client; more wait unread in the socket. */
	maxCallsInFlight: number;
	helloTimeoutMs: number;
	onClose(): void;
}

export class HostConnection {
	private readonly reader: LineReader;
	private greeted = false;
	private closed = false;
	private behind = false;
	private skipped = 0;
	private inFlight = 0;
	/** How many log lines this client follows (undefined: none), and the newest one it was sent. */
	private logTail?: number;
	private lastLogSeq = 0;
	private readonly helloTimer: NodeJS.Timeout;

	constructor(
		private readonly socket: net.Socket,
		private readonly options: HostConnectionOptions,
	) {
		this.reader = new LineReader(options.maxFrameBytes);
		socket.on('data', (chunk: Buffer) => this.onData(chunk));
		socket.on('error', () => this.destroy());
		socket.on('close', () => this.destroy());
		this.helloTimer = setTimeout(() => this.refuse('no hello within the handshake time: send {"type":"hello","version":1} first'), options.helloTimeoutMs);
	}

	get following(): boolean {
		return this.greeted && this.logTail !== undefined;
	}

	/** An event, a change or log lines: dropped (and counted) while the client is behind. */
	push(frame: HostFrame): void {
		if (!this.greeted || this.closed) return;
		if (this.behind) {
			this.skipped++;
			return;
		}
		if (this.socket.writableLength > this.options.maxQueueBytes) return this.fallBehind();
		this.write(frame);
	}

	/** New log lines, in frames of at most `logLinesPerFrame` (a burst is never one huge frame). */
	pushLogs(lines: LogLine[]): void {
		if (!this.following) return;
		for (let start = 0; start < lines.length; start += logLinesPerFrame) {
			const part = lines.slice(start, start + logLinesPerFrame);
			this.push({type: 'logs', lines: part});
			if (!this.behind) this.lastLogSeq = part[part.length - 1].seq;
		}
	}

	/** Ends the connection after what is queued (the host stops). */
	end(): void {
		if (this.closed) return;
		this.closed = true;
		clearTimeout(this.helloTimer);
		this.socket.end();
		// A client that never closes its side is cut off.
		setTimeout(() => this.socket.destroy(), 2000).unref();
		this.options.onClose();
	}

	private write(frame: HostFrame): void {
		if (!this.closed) this.socket.write(encodeFrame(frame));
	}

	private destroy(): void {
		if (this.closed) return;
		this.closed = true;
		clearTimeout(this.helloTimer);
		this.socket.destroy();
		this.options.onClose();
	}

	/** Tells the client why, then closes; the host carries on. */
	private refuse(message: string): void {
		this.write({type: 'error', message});
		this.end();
	}

	private fallBehind(): void {
		this.behind = true;
		this.skipped = 1;
		this.socket.pause();
		this.socket.once('drain', () => this.resync());
	}

	private resync(): void {
		if (this.closed) return;
		this.behind = false;
		this.write({type: 'resync', snapshot: this.options.host.snapshot(), skipped: this.skipped});
		if (this.logTail !== undefined) this.sendLogTail(this.lastLogSeq);
		this.skipped = 0;
		this.resumeReading();
	}

	/** The newest lines (the client's tail), or after a resync those after `seq` (the older ones are counted as skipped). */
	private sendLogTail(seq?: number): void {
		const {logs} = this.options.host;
		const next = seq === undefined ? 0 : Math.max(0, seq - (logs.at(0)?.seq ?? 0) + 1);
		const from = Math.max(next, logs.size - (this.logTail ?? 0));
		if (from > next && seq !== undefined) this.write({type: 'logs', lines: [], skipped: from - next});
		for (let start = from; start < logs.size; start += logLinesPerFrame) {
			const lines = logs.slice(start, Math.min(logs.size, start + logLinesPerFrame));
			this.write({type: 'logs', lines});
			this.lastLogSeq = lines[lines.length - 1].seq;
		}
	}

	private resumeReading(): void {
		if (!this.behind && this.inFlight < this.options.maxCallsInFlight) this.socket.resume();
	}

	private onData(chunk: Buffer): void {
		for (const line of this.reader.push(chunk)) {
			if (this.closed) return;
			if (line.trim() === '') continue;
			const parsed = parseClientFrame(line);
			if ('error' in parsed) return this.refuse(parsed.error);
			this.handle(parsed.frame);
		}
		if (this.reader.overflowed && !this.closed) this.refuse(`a frame is larger than ${this.options.maxFrameBytes} bytes: send smaller frames`);
	}

	private handle(frame: ClientFrame): void {
		if (frame.type === 'hello') {
			if (this.greeted) return this.refuse('a second hello: send it once, first');
			if (frame.version !== protocolVersion) {
				return this.refuse(`this host speaks control protocol ${protocolVersion}, the client ${frame.version}: use the same babybot-tui version for both (restart the host after an upgrade)`);
			}
			clearTimeout(this.helloTimer);
			this.greeted = true;
			const {host, pid, home} = this.options;
			this.write({type: 'welcome', version: protocolVersion, pid, home, snapshot: host.snapshot()});
			if (frame.logTail !== undefined) {
				this.logTail = frame.logTail;
				this.sendLogTail();
			}
			return;
		}
		if (!this.greeted) return this.refuse('a call before the hello: send {"type":"hello","version":1} first');
		this.call(frame.id, frame.method, frame.args);
	}

	private call(id: number, method: string, args: unknown[]): void {
		if (!isHostActionName(method)) {
			this.write({type: 'result', id, error: `the host has no method "${method}": is the client newer than the host? Restart the host after an upgrade`});
			return;
		}
		this.inFlight++;
		if (this.inFlight >= this.options.maxCallsInFlight) this.socket.pause();
		const invoke = this.options.host[method] as (...callArgs: unknown[]) => Promise<unknown>;
		Promise.resolve()
			.then(() => invoke.apply(this.options.host, args))
			.then(
				(value) => this.write({type: 'result', id, value}),
				(error: unknown) => this.write({type: 'result', id, error: error instanceof Error ? error.message : String(error)}),
			)
			.finally(() => {
				this.inFlight--;
				this.resumeReading();
			});
	}
}
