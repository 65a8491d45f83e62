// The whole host in the test process: real SQLite, files, IPC watcher, scheduler and the chosen
// runtime (none or Docker), talking to the scripted Ollama server through the real LLM bridge.
import {execFileSync} from 'node:child_process';
import {afterEach} from 'vitest';
import type {HostClock} from '../../src/clock.js';
import {loadConfig, type Config} from '../../src/config.js';
import {createHost, type Host} from '../../src/host/create-host.js';
import {createLauncher} from '../../src/runtimes/detect.js';
import type {OciEngine, RuntimeName} from '../../src/api/types.js';
import {localJid} from '../../src/channels/local-chat.js';
import {installLabelFor} from '../../src/host/sandbox-spec.js';
import type {WhatsAppParts} from '../../src/host/whatsapp-link.js';
import type {FetcherOptions} from '../../src/web/fetcher.js';
import {testImage} from './docker-gate.js';
import {tempHome} from './temp-home.js';

export interface TestHostOptions {
	runtime: RuntimeName;
	/** The engine gVisor runs on (default Docker). */
	engine?: OciEngine;
	ollamaUrl: string;
	/** Extra configuration, named like the environment variables (`CONTAINER_TIMEOUT`, …). */
	env?: Record<string, string>;
	/** A home made earlier (a restart); default: a new temp home. */
	home?: {home: string; allowlist: string; root: string};
	/** Overrides the project root (templates, built-in skills, the project mount of main). */
	projectRoot?: string;
	/** The runtime CLI's environment (e.g. DOCKER_HOST of another engine); default: this process's. */
	launcherEnv?: NodeJS.ProcessEnv;
	/** Runs WhatsApp with these parts (the fake socket, a fake clock); off when absent. */
	whatsapp?: WhatsAppParts;
	/** web_fetch's resolver and limits (tests map host names to their loopback servers). */
	web?: FetcherOptions;
	/** Runs the sandbox checks in the background, as the UI does. */
	checkSandboxes?: boolean;
	/** The host's clock (scheduler, outbox, runs); default the system's. */
	clock?: HostClock;
}

export interface TurnOutcome {
	replies: string[];
	ok: boolean;
	error?: string;
}

export interface TestHost {
	host: Host;
	config: Config;
	home: string;
	allowlist: string;
	root: string;
	/** Sends `text` to the group's local chat and resolves when that turn is done. */
	ask(folder: string, text: string): Promise<TurnOutcome>;
	/** Resolves with the next finished turn of the group's local chat. */
	nextTurn(folder: string): Promise<TurnOutcome>;
	stop(): Promise<void>;
}

export async function startTestHost(options: TestHostOptions): Promise<TestHost> {
	const made = options.home ?? tempHome();
	const base = loadConfig({
		env: {
			BABYBOT_HOME: made.home,
			MOUNT_ALLOWLIST_PATH: made.allowlist,
			OLLAMA_BASE_URL: options.ollamaUrl,
			CONTAINER_RUNTIME: options.runtime,
			LOG_LEVEL: 'debug',
			TZ: 'UTC',
			CONTAINER_IMAGE: testImage,
			...options.env,
		},
	});
	const config: Config = options.projectRoot ? {...base, projectRoot: options.projectRoot} : base;
	const launcher = createLauncher(options.runtime, {timezone: config.timezone, env: options.launcherEnv, engine: options.engine});
	const host = await createHost({config, launcher, whatsapp: options.whatsapp, web: options.web, checkSandboxes: options.checkSandboxes, clock: options.clock});
	const replies = new Map<string, string[]>();
	const waiting = new Map<string, Array<(outcome: TurnOutcome) => void>>();
	host.events.on('reply', (reply) => {
		if (!reply.error) replies.set(reply.chatJid, [...(replies.get(reply.chatJid) ?? []), reply.text]);
	});
	host.events.on('turn', (turn) => {
		const outcome: TurnOutcome = {replies: replies.get(turn.chatJid) ?? [], ok: turn.ok, error: turn.error};
		replies.delete(turn.chatJid);
		const next = waiting.get(turn.chatJid)?.shift();
		next?.(outcome);
	});
	await host.start();
	const nextTurn = (folder: string) =>
		new Promise<TurnOutcome>((resolve) => {
			const jid = localJid(folder);
			waiting.set(jid, [...(waiting.get(jid) ?? []), resolve]);
		});
	return {
		host,
		config,
		...made,
		nextTurn,
		async ask(folder, text) {
			replies.delete(localJid(folder)); // only what answers this message counts
			const done = nextTurn(folder);
			await host.sendLocalMessage(folder, text);
			return done;
		},
		stop: () => host.stop(),
	};
}

/**
 * Names of this install's running containers in `engine`. (A stopped `--rm` container may still be
 * listed by `ps -a` for a moment while the engine removes it.)
 */
export function installContainers(home: string, engine: OciEngine = 'docker'): string[] {
	const out = execFileSync(engine, ['ps', '--filter', `label=babybot.install=${installLabelFor(home)}`, '--format', '{{.Names}}'], {encoding: 'utf8'});
	return out.split('\n').filter(Boolean);
}

type Closable = {stop(): Promise<unknown>} | {close(): Promise<unknown>};

/**
 * Closes, after each test of the calling file, what the test passed through the returned function
 * (last opened first: a host before the Ollama server it talks to). Returns what it was given.
 */
export function closeAfterEach(): <T extends Closable>(thing: T) => T {
	const opened: Closable[] = [];
	afterEach(async () => {
		for (const thing of opened.splice(0).reverse()) await ('stop' in thing ? thing.stop() : thing.close());
	});
	return (thing) => {
		opened.push(thing);
		return thing;
	};
}
