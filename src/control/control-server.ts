// Serves a host's API on its control socket: every client gets the snapshot, the events, the calls
// and (when it asks) the log tail, exactly what an in-process UI gets from the host itself.
import fs from 'node:fs';
import net from 'node:net';
import {hostEventNames} from '../api/host-actions.js';
import type {HostApi, HostEventName, HostSnapshot} from '../api/host-api.js';
import type {HomePaths} from '../paths.js';
import {prepareControlDir, removeStaleSocket} from './control-dir.js';
import {HostConnection, type HostConnectionOptions} from './host-connection.js';
import {maxClientFrameBytes} from './protocol.js';

export interface ControlServerOptions {
	host: HostApi;
	paths: Pick<HomePaths, 'home' | 'controlDir' | 'socketFile'>;
	pid?: number;
	/** Bytes queued for one client before it is resynchronised (default 4 MiB). */
	maxQueueBytes?: number;
	maxFrameBytes?: number;
	helloTimeoutMs?: number;
}

export interface ControlServer {
	readonly socketFile: string;
	clientCount(): number;
	/** Ends every connection (after what is queued for it), stops listening and removes the socket. */
	close(): Promise<void>;
}

/** Every event but `change`, which is sent with the changed part's value (see `onChange`). */
const forwardedEvents = hostEventNames.filter((name): name is Exclude<HostEventName, 'change'> => name !== 'change');

class SocketServer implements ControlServer {
	private readonly connections = new Set<HostConnection>();
	private readonly unsubscribers: Array<() => void> = [];
	private readonly dirty = new Set<keyof HostSnapshot>();
	private flushing: NodeJS.Immediate | undefined;
	private stopping: string | undefined;
	private closing: Promise<void> | undefined;
	private inode = 0;
	readonly socketFile: string;
	private readonly server: net.Server;

	constructor(
		private readonly host: HostApi,
		private readonly connectionOptions: Omit<HostConnectionOptions, 'onClose'>,
		socketFile: string,
	) {
		this.socketFile = socketFile;
		this.server = net.createServer((socket) => {
			const connection: HostConnection = new HostConnection(socket, {...connectionOptions, onClose: () => this.connections.delete(connection)});
			this.connections.add(connection);
		});
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.socketFile, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		fs.chmodSync(this.socketFile, 0o600);
		this.inode = fs.lstatSync(this.socketFile).ino;
		for (const name of forwardedEvents) this.unsubscribers.push(this.host.events.on(name, (payload) => this.onEvent(name, payload)));
		this.unsubscribers.push(
			this.host.events.on('change', ({part}) => this.onChange(part)),
			this.host.logs.subscribe((lines) => {
				for (const connection of this.connections) connection.pushLogs(lines);
			}),
		);
	}

	clientCount(): number {
		return this.connections.size;
	}

	close(): Promise<void> {
		this.closing ??= new Promise<void>((resolve) => {
			for (const unsubscribe of this.unsubscribers) unsubscribe();
			if (this.flushing) clearImmediate(this.flushing);
			// After this turn: the answer to a `stop` call is written before its connection ends.
			setImmediate(() => {
				for (const connection of [...this.connections]) connection.end();
				this.server.close(() => resolve());
				this.unlinkSocket();
			});
		});
		return this.closing;
	}

	private onEvent(name: Exclude<HostEventName, 'change'>, payload: unknown): void {
		if (name === 'stopping') {
			this.stopping = (payload as {reason: string}).reason;
			// New clients find no socket and wait for the lock to be free; the attached ones are told,
			// and their connections end once the host has stopped (after the answer to a `stop` call).
			this.unlinkSocket();
			void this.host.stop().finally(() => void this.close());
		}
		for (const connection of this.connections) connection.push(name === 'stopping' ? {type: 'bye', reason: this.stopping!} : {type: 'event', name, payload});
	}

	/** Changes are sent once per burst: one snapshot for all clients, only the parts that changed. */
	private onChange(part: keyof HostSnapshot): void {
		this.dirty.add(part);
		this.flushing ??= setImmediate(() => {
			this.flushing = undefined;
			if (this.connections.size > 0 && !this.stopping) {
				const snapshot = this.host.snapshot();
				for (const changed of this.dirty) for (const connection of this.connections) connection.push({type: 'change', part: changed, value: snapshot[changed]});
			}
			this.dirty.clear();
		});
	}

	/** Only our own socket: once the host has stopped, the next host may have made its own there. */
	private unlinkSocket(): void {
		try {
			if (fs.lstatSync(this.socketFile).ino === this.inode) fs.rmSync(this.socketFile);
		} catch {}
	}
}

/**
 * Listens on the home's control socket (owner-only); throws ControlDirError when the home is unsafe.
 * Only the holder of the home's host lock may call it: it replaces whatever socket is there.
 */
export async function serveControlSocket(options: ControlServerOptions): Promise<ControlServer> {
	const {host, paths} = options;
	prepareControlDir(paths);
	removeStaleSocket(paths.socketFile);
	const server = new SocketServer(
		host,
		{
			host,
			pid: options.pid ?? process.pid,
			home: paths.home,
			maxFrameBytes: options.maxFrameBytes ?? maxClientFrameBytes,
			maxQueueBytes: options.maxQueueBytes ?? 4 * 1024 * 1024,
			maxCallsInFlight: 32,
			helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
		},
		paths.socketFile,
	);
	await server.listen();
	return server;
}
