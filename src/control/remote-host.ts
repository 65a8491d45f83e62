// The host API over the control socket: a mirror of the snapshot kept current by the host's change
// frames, the events re-emitted, the log tail in a local ring, and every action a call by its name.
// The UI and the CLI use it exactly as they use an in-process host.
import net from 'node:net';
import {hostActionNames} from '../api/host-actions.js';
import type {HostActions, HostApi, HostEventMap, HostSnapshot} from '../api/host-api.js';
import {HostEmitter} from '../api/host-emitter.js';
import {LogStore} from '../log-store.js';
import {encodeFrame, LineReader, maxHostFrameBytes, protocolVersion, type ClientFrame, type HostFrame} from './protocol.js';

export interface RemoteHost extends HostApi {
	/** The host process this client is attached to. */
	readonly pid: number;
	/** Resolves with why the connection ended: the host stopped or went away, or `close()`. */
	readonly closed: Promise<string>;
	/** Detaches: the host keeps running. */
	close(): void;
}

export interface ConnectOptions {
	socketFile: string;
	/** Follow the host's log: this many of its newest lines first (default: no logs). */
	logTail?: number;
	/** How long the handshake may take (default 10 s). */
	timeoutMs?: number;
	/** A protocol version to announce instead of this one (tests of the handshake). */
	version?: number;
}

/** A failed handshake: the host refused (its reason) or never answered. */
export class AttachError extends Error {
	override name = 'AttachError';
}

type Pending = {resolve(value: unknown): void; reject(error: Error): void; method: string};
type Welcome = Extract<HostFrame, {type: 'welcome'}>;

/** The client's end of one connection: frames in and out, the calls waiting for their answers, the mirror. */
class HostLink {
	readonly events = new HostEmitter();
	readonly logs = new LogStore();
	mirror: HostSnapshot | undefined;
	readonly closed: Promise<string>;
	private readonly reader = new LineReader(maxHostFrameBytes);
	private readonly pending = new Map<number, Pending>();
	private nextId = 1;
	private goodbye: string | undefined;
	private endReason: string | undefined;
	private markClosed!: (reason: string) => void;
	private welcomed?: (welcome: Welcome) => void;
	private refused?: (error: Error) => void;

	constructor(private readonly socket: net.Socket) {
		this.closed = new Promise<string>((resolve) => (this.markClosed = resolve));
		socket.on('error', (error) => this.fail(this.mirror ? new Error(`the connection to the host failed: ${error.message}`) : error));
		socket.on('close', () => this.fail(new Error(this.goodbye ?? 'the host went away')));
		socket.on('data', (chunk: Buffer) => this.onData(chunk));
	}

	/** Sends the hello once connected; resolves with the welcome, rejects with the host's refusal. */
	handshake(hello: ClientFrame, timeoutMs: number, socketFile: string): Promise<Welcome> {
		return new Promise<Welcome>((resolve, reject) => {
			const timer = setTimeout(() => this.fail(new AttachError(`the host did not answer on ${socketFile} within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
			this.welcomed = (welcome) => {
				clearTimeout(timer);
				resolve(welcome);
			};
			this.refused = (error) => {
				clearTimeout(timer);
				reject(error);
			};
			this.socket.once('connect', () => this.send(hello));
		});
	}

	call(method: string, args: unknown[]): Promise<unknown> {
		return new Promise<unknown>((resolve, reject) => {
			if (this.endReason !== undefined) return reject(new Error(`the host is gone: ${this.endReason}`));
			const id = this.nextId++;
			this.pending.set(id, {resolve, reject, method});
			this.send({type: 'call', id, method, args});
		});
	}

	/** Ends the connection; the calls still waiting fail (a `stop` the host said goodbye to is done). */
	finish(reason: string): void {
		if (this.endReason !== undefined) return;
		this.endReason = reason;
		this.socket.destroy();
		for (const waiting of this.pending.values()) {
			if (waiting.method === 'stop' && this.goodbye !== undefined) waiting.resolve(undefined);
			else waiting.reject(new Error(`the host is gone: ${reason}`));
		}
		this.pending.clear();
		this.markClosed(reason);
	}

	private send(frame: ClientFrame): void {
		this.socket.write(encodeFrame(frame));
	}

	private fail(error: Error): void {
		if (!this.mirror) this.refused?.(error);
		this.finish(error.message);
	}

	private onData(chunk: Buffer): void {
		for (const line of this.reader.push(chunk)) {
			let frame: HostFrame;
			try {
				frame = JSON.parse(line) as HostFrame;
			} catch {
				return this.fail(new Error('the host sent a frame that is not JSON'));
			}
			this.onFrame(frame);
		}
		if (this.reader.overflowed) this.fail(new Error(`the host sent a frame larger than ${maxHostFrameBytes} bytes`));
	}

	private onFrame(frame: HostFrame): void {
		switch (frame.type) {
			case 'welcome':
				this.mirror = frame.snapshot;
				return this.welcomed?.(frame);
			case 'error':
				return this.fail(this.mirror ? new Error(frame.message) : new AttachError(frame.message));
			case 'result': {
				const waiting = this.pending.get(frame.id);
				this.pending.delete(frame.id);
				if (frame.error !== undefined) waiting?.reject(new Error(frame.error));
				else waiting?.resolve(frame.value);
				return;
			}
			case 'event':
				return this.events.emit(frame.name, frame.payload as HostEventMap[typeof frame.name]);
			case 'change':
				this.mirror = {...this.mirror!, [frame.part]: frame.value};
				return this.events.emit('change', {part: frame.part});
			case 'logs':
				if (frame.skipped) this.logs.push({time: Date.now(), level: 'warn', msg: `… ${frame.skipped} log lines skipped (this client fell behind the host)`, fields: ''});
				for (const {seq: _seq, ...line} of frame.lines) this.logs.push(line);
				return;
			case 'resync':
				this.mirror = frame.snapshot;
				for (const part of Object.keys(frame.snapshot) as Array<keyof HostSnapshot>) this.events.emit('change', {part});
				return this.events.emit('notice', {level: 'warn', text: `this UI fell behind the host: ${frame.skipped} updates skipped, state reloaded`});
			case 'bye':
				this.goodbye = frame.reason;
				return this.events.emit('stopping', {reason: frame.reason});
		}
	}
}

/** Connects and shakes hands; rejects with the host's reason (version, permissions) or the socket's error. */
export async function connectToHost(options: ConnectOptions): Promise<RemoteHost> {
	const link = new HostLink(net.createConnection(options.socketFile));
	const hello: ClientFrame = {type: 'hello', version: options.version ?? protocolVersion, ...(options.logTail !== undefined ? {logTail: options.logTail} : {})};
	const {pid} = await link.handshake(hello, options.timeoutMs ?? 10_000, options.socketFile);
	const actions = Object.fromEntries(hostActionNames.map((name) => [name, (...args: unknown[]) => link.call(name, args)])) as unknown as HostActions;
	return {
		...actions,
		events: link.events,
		logs: link.logs,
		snapshot: () => link.mirror!,
		pid,
		closed: link.closed,
		close: () => link.finish('detached'),
	};
}
