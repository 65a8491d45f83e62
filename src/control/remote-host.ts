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

/** Connects and shakes hands; rejects with the host's reason (version, permissions) or the socket's error. */
export function connectToHost(options: ConnectOptions): Promise<RemoteHost> {
	const socket = net.createConnection(options.socketFile);
	const reader = new LineReader(maxHostFrameBytes);
	const events = new HostEmitter();
	const logs = new LogStore();
	const pending = new Map<number, Pending>();
	let nextId = 1;
	let mirror: HostSnapshot | undefined;
	let pid = 0;
	let goodbye: string | undefined;
	let endReason: string | undefined;
	let markClosed!: (reason: string) => void;
	const closed = new Promise<string>((resolve) => (markClosed = resolve));
	const send = (frame: ClientFrame) => socket.write(encodeFrame(frame));

	const call = (method: string, args: unknown[]) =>
		new Promise<unknown>((resolve, reject) => {
			if (endReason !== undefined) return reject(new Error(`the host is gone: ${endReason}`));
			const id = nextId++;
			pending.set(id, {resolve, reject, method});
			send({type: 'call', id, method, args});
		});
	const actions = Object.fromEntries(hostActionNames.map((name) => [name, (...args: unknown[]) => call(name, args)])) as unknown as HostActions;
	const remote: RemoteHost = {
		...actions,
		events,
		logs,
		snapshot: () => mirror!,
		get pid() {
			return pid;
		},
		closed,
		close: () => finish('detached'),
	};

	const pushLines = (frame: Extract<HostFrame, {type: 'logs'}>) => {
		if (frame.skipped) logs.push({time: Date.now(), level: 'warn', msg: `… ${frame.skipped} log lines skipped (this client fell behind the host)`, fields: ''});
		for (const {seq: _seq, ...line} of frame.lines) logs.push(line);
	};
	const finish = (reason: string) => {
		if (endReason !== undefined) return;
		endReason = reason;
		socket.destroy();
		for (const [, waiting] of pending) {
			// A stop is done when the host said goodbye and went away.
			if (waiting.method === 'stop' && goodbye !== undefined) waiting.resolve(undefined);
			else waiting.reject(new Error(`the host is gone: ${reason}`));
		}
		pending.clear();
		markClosed(reason);
	};
	const onFrame = (frame: HostFrame) => {
		switch (frame.type) {
			case 'result': {
				const waiting = pending.get(frame.id);
				pending.delete(frame.id);
				if (frame.error !== undefined) waiting?.reject(new Error(frame.error));
				else waiting?.resolve(frame.value);
				return;
			}
			case 'event':
				return events.emit(frame.name, frame.payload as HostEventMap[typeof frame.name]);
			case 'change':
				mirror = {...mirror!, [frame.part]: frame.value};
				return events.emit('change', {part: frame.part});
			case 'logs':
				return pushLines(frame);
			case 'resync':
				mirror = frame.snapshot;
				for (const part of Object.keys(frame.snapshot) as Array<keyof HostSnapshot>) events.emit('change', {part});
				return events.emit('notice', {level: 'warn', text: `this UI fell behind the host: ${frame.skipped} updates skipped, state reloaded`});
			case 'bye':
				goodbye = frame.reason;
				return events.emit('stopping', {reason: frame.reason});
			case 'error':
				return finish(frame.message);
			case 'welcome':
				return;
		}
	};

	return new Promise<RemoteHost>((resolve, reject) => {
		const timer = setTimeout(() => fail(new AttachError(`the host did not answer on ${options.socketFile} within ${Math.round((options.timeoutMs ?? 10_000) / 1000)} s`)), options.timeoutMs ?? 10_000);
		let attached = false;
		const fail = (error: Error) => {
			clearTimeout(timer);
			if (!attached) reject(error);
			finish(error.message);
		};
		socket.once('connect', () => send({type: 'hello', version: options.version ?? protocolVersion, ...(options.logTail !== undefined ? {logTail: options.logTail} : {})}));
		socket.on('error', (error: NodeJS.ErrnoException) => fail(attached ? new Error(`the connection to the host failed: ${error.message}`) : error));
		socket.on('close', () => fail(new Error(goodbye ?? 'the host went away')));
		socket.on('data', (chunk: Buffer) => {
			for (const line of reader.push(chunk)) {
				let frame: HostFrame;
				try {
					frame = JSON.parse(line) as HostFrame;
				} catch {
					return fail(new Error('the host sent a frame that is not JSON'));
				}
				if (!attached && frame.type === 'error') return fail(new AttachError(frame.message));
				if (!attached && frame.type === 'welcome') {
					attached = true;
					clearTimeout(timer);
					mirror = frame.snapshot;
					pid = frame.pid;
					resolve(remote);
				}
				onFrame(frame);
			}
			if (reader.overflowed) fail(new Error(`the host sent a frame larger than ${maxHostFrameBytes} bytes`));
		});
	});
}
