// Serves a host's API on its control socket: every client gets the snapshot, the events, the calls
// and (when it asks) the log tail, exactly what an in-process UI gets from the host itself.
import fs from 'node:fs';
import net from 'node:net';
import {hostEventNames} from '../api/host-actions.js';
import type {HostApi, HostEventMap, HostEventName, HostSnapshot} from '../api/host-api.js';
import type {HomePaths} from '../paths.js';
import {prepareControlDir, removeStaleSocket} from './control-dir.js';
import {HostConnection} from './host-connection.js';
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

/** Every event but `change`, which is sent with the changed part's value (see below). */
const forwardedEvents = hostEventNames.filter((name): name is Exclude<HostEventName, 'change'> => name !== 'change');

/**
 * Listens on the home's control socket (owner-only); throws ControlDirError when the home is unsafe.
 * Only the holder of the home's host lock may call it: it replaces whatever socket is there.
 */
export async function serveControlSocket(options: ControlServerOptions): Promise<ControlServer> {
	const {host, paths} = options;
	prepareControlDir(paths);
	removeStaleSocket(paths.socketFile);
	const connections = new Set<HostConnection>();
	const connectionOptions = {
		host,
		pid: options.pid ?? process.pid,
		home: paths.home,
		maxFrameBytes: options.maxFrameBytes ?? maxClientFrameBytes,
		maxQueueBytes: options.maxQueueBytes ?? 4 * 1024 * 1024,
		maxCallsInFlight: 32,
		helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
	};
	let stopping: string | undefined;
	const server = net.createServer((socket) => {
		const connection: HostConnection = new HostConnection(socket, {...connectionOptions, onClose: () => connections.delete(connection)});
		connections.add(connection);
		if (stopping) connection.push({type: 'bye', reason: stopping});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(paths.socketFile, () => {
			server.off('error', reject);
			resolve();
		});
	});
	fs.chmodSync(paths.socketFile, 0o600);
	const inode = fs.lstatSync(paths.socketFile).ino;
	// Only our own socket: once the host has stopped, the next host may have made its own there.
	const unlinkSocket = () => {
		try {
			if (fs.lstatSync(paths.socketFile).ino === inode) fs.rmSync(paths.socketFile);
		} catch {}
	};

	const unsubscribers = forwardedEvents.map((name) =>
		host.events.on(name, (payload: HostEventMap[typeof name]) => {
			if (name === 'stopping') {
				stopping = (payload as HostEventMap['stopping']).reason;
				// New clients find no socket and wait for the lock to be free; the attached ones are told,
				// and their connections end once the host has stopped (after the answer to a `stop` call).
				unlinkSocket();
				void host.stop().finally(() => void control.close());
			}
			for (const connection of connections) connection.push(name === 'stopping' ? {type: 'bye', reason: stopping!} : {type: 'event', name, payload});
		}),
	);
	// Changes are sent once per burst: one snapshot for all clients, only the parts that changed.
	const dirty = new Set<keyof HostSnapshot>();
	let flushing: NodeJS.Immediate | undefined;
	unsubscribers.push(
		host.events.on('change', ({part}) => {
			dirty.add(part);
			flushing ??= setImmediate(() => {
				flushing = undefined;
				if (connections.size === 0 || stopping) return dirty.clear();
				const snapshot = host.snapshot();
				for (const changed of dirty) for (const connection of connections) connection.push({type: 'change', part: changed, value: snapshot[changed]});
				dirty.clear();
			});
		}),
		host.logs.subscribe((lines) => {
			for (const connection of connections) connection.pushLogs(lines);
		}),
	);

	let closing: Promise<void> | undefined;
	const control: ControlServer = {
		socketFile: paths.socketFile,
		clientCount: () => connections.size,
		close() {
			closing ??= new Promise<void>((resolve) => {
				for (const unsubscribe of unsubscribers) unsubscribe();
				if (flushing) clearImmediate(flushing);
				// After this turn: the answer to a `stop` call is written before its connection ends.
				setImmediate(() => {
					for (const connection of [...connections]) connection.end();
					server.close(() => resolve());
					unlinkSocket();
				});
			});
			return closing;
		},
	};
	return control;
}
