// A whole host in its own process (the built dist/), driven over stdin and reporting its events on
// stdout as JSON lines, so a test can SIGKILL it mid-run and start another on the same home.
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import {projectRoot} from './cli.js';

const script = `
import readline from 'node:readline';
const dist = process.env.BABYBOT_DIST;
const {loadConfig} = await import(dist + '/src/config.js');
const {createHost} = await import(dist + '/src/host/create-host.js');
const {createLauncher} = await import(dist + '/src/runtimes/detect.js');
const config = loadConfig();
const host = await createHost({config, launcher: createLauncher(config.containerRuntime, {timezone: config.timezone})});
const say = (event) => process.stdout.write(JSON.stringify(event) + '\\n');
host.events.on('reply', (reply) => say({type: 'reply', ...reply}));
host.events.on('turn', (turn) => say({type: 'turn', ...turn}));
await host.start();
say({type: 'ready', pid: process.pid});
for await (const line of readline.createInterface({input: process.stdin})) {
	const command = JSON.parse(line);
	try {
		if (command.type === 'send') say({type: 'sent', ...(await host.sendLocalMessage(command.folder, command.text))});
		if (command.type === 'register') say({type: 'registered', ...(await host.registerGroup(command.group))});
		if (command.type === 'stop') break;
	} catch (error) {
		say({type: 'error', message: error.message});
	}
}
await host.stop();
process.exit(0);
`;

export interface HostEvent {
	type: string;
	[key: string]: unknown;
}

export interface HostProcess {
	child: ChildProcessWithoutNullStreams;
	events: HostEvent[];
	send(command: Record<string, unknown>): void;
	waitForEvent(what: string, match: (event: HostEvent) => boolean, timeoutMs?: number): Promise<HostEvent>;
	stderr(): string;
	/** Asks it to stop and waits for the exit code. */
	stop(): Promise<number | null>;
	kill(): Promise<void>;
}

/** Starts a host process with `env` (BABYBOT_HOME, MOUNT_ALLOWLIST_PATH, OLLAMA_BASE_URL, …) and waits until it runs. */
export async function startHostProcess(dir: string, env: NodeJS.ProcessEnv): Promise<HostProcess> {
	const file = path.join(dir, 'host-process.mjs');
	fs.writeFileSync(file, script);
	const child = spawn(process.execPath, [file], {env: {...env, BABYBOT_DIST: path.join(projectRoot, 'dist')}, stdio: ['pipe', 'pipe', 'pipe']});
	const events: HostEvent[] = [];
	const listeners = new Set<() => void>();
	let stderr = '';
	child.stderr.on('data', (chunk) => (stderr += chunk));
	readline.createInterface({input: child.stdout}).on('line', (line) => {
		try {
			events.push(JSON.parse(line) as HostEvent);
		} catch {
			return;
		}
		for (const listener of listeners) listener();
	});
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	const waitForEvent = (what: string, match: (event: HostEvent) => boolean, timeoutMs = 60_000) =>
		new Promise<HostEvent>((resolve, reject) => {
			const check = () => {
				const found = events.find(match);
				if (!found) return;
				cleanup();
				resolve(found);
			};
			const timer = setTimeout(() => {
				cleanup();
				reject(new Error(`timed out waiting for ${what}; stderr: ${stderr.slice(-2000)}`));
			}, timeoutMs);
			const onExit = () => {
				cleanup();
				reject(new Error(`the host process exited while waiting for ${what}; stderr: ${stderr.slice(-2000)}`));
			};
			const cleanup = () => {
				clearTimeout(timer);
				listeners.delete(check);
				child.off('exit', onExit);
			};
			listeners.add(check);
			child.once('exit', onExit);
			check();
		});
	const host: HostProcess = {
		child,
		events,
		send: (command) => child.stdin.write(JSON.stringify(command) + '\n'),
		waitForEvent,
		stderr: () => stderr,
		async stop() {
			host.send({type: 'stop'});
			return exited;
		},
		async kill() {
			child.kill('SIGKILL');
			await exited;
		},
	};
	await waitForEvent('the host to start', (event) => event.type === 'ready');
	return host;
}
