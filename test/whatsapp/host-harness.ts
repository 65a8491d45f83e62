// The whole host in the test process (runtime none, the scripted Ollama server) with WhatsApp on
// the fake socket and a fake clock for the channel's timers.
import fs from 'node:fs';
import path from 'node:path';
import type {WAVersion} from '../../src/channels/whatsapp/socket.js';
import type {HostEventMap, HostEventName} from '../../src/api/host-api.js';
import type {Host} from '../../src/host/create-host.js';
import {homePaths} from '../../src/paths.js';
import {queryStore} from '../support/cli.js';
import {requestIpc} from '../support/ipc-request.js';
import type {ScriptedOllama} from '../support/ollama-server.js';
import {startTestHost, type TestHost} from '../support/test-host.js';
import {tempHome} from '../support/temp-home.js';
import {FakeClock, settle} from './fake-clock.js';
import {FakeSocketFactory, groupMetadata, type FakeSocket} from './fake-socket.js';
import {fetchedVersion, selfPhone, writePairedCredentials} from './harness.js';

export const family = '120363000000000001@g.us';
export const alice = '4915000000001@s.whatsapp.net';
export const selfChat = `${selfPhone}@s.whatsapp.net`;

export interface WhatsAppHost extends TestHost {
	factory: FakeSocketFactory;
	clock: FakeClock;
	made: {home: string; allowlist: string; root: string};
	/** Everything every fake socket sent, in order. */
	sent(): Array<{jid: string; text: string; messageId?: string}>;
	/** Opens the current socket as the paired operator and lets the host react. */
	open(): Promise<FakeSocket>;
	/** Resolves with the next event of `name` that `match` accepts. */
	next<K extends HostEventName>(name: K, match?: (payload: HostEventMap[K]) => boolean): Promise<HostEventMap[K]>;
	/** Stored messages of a chat, oldest first. */
	stored(chatJid: string): Array<{id: string; content: string; is_bot: number}>;
	outbox(): Array<{chat_jid: string; text: string; sent_at: string | null; attempts: number}>;
	/** Writes an IPC request the way the agent does (temp file, then rename) and waits for its ack. */
	ipc(folder: string, kind: 'messages' | 'requests', name: string, data: unknown): Promise<{ok: boolean; result?: unknown; error?: string}>;
}

export interface WhatsAppHostOptions {
	ollama: ScriptedOllama;
	/** A home from an earlier host (a restart). */
	made?: {home: string; allowlist: string; root: string};
	fetchVersion?: () => Promise<WAVersion | undefined>;
	/** Register the family group (answering without a trigger). Default true. */
	registerFamily?: boolean;
}

export async function startWhatsAppHost(options: WhatsAppHostOptions): Promise<WhatsAppHost> {
	const made = options.made ?? tempHome();
	const paths = homePaths(made.home);
	if (!fs.existsSync(path.join(paths.authDir, 'creds.json'))) writePairedCredentials(paths.authDir);
	const factory = new FakeSocketFactory();
	const clock = new FakeClock();
	const running = await startTestHost({
		runtime: 'none',
		ollamaUrl: options.ollama.url,
		home: made,
		whatsapp: {
			socketFactory: factory.create,
			fetchVersion: options.fetchVersion ?? (async () => fetchedVersion),
			clock,
			random: () => 0.5,
			limits: {sendIntervalMs: 0, sendJitterMs: 0},
		},
	});
	const host: Host = running.host;
	if ((options.registerFamily ?? true) && !host.snapshot().groups.some((group) => group.jid === family)) {
		await host.registerGroup({jid: family, name: 'Family', folder: 'family', requiresTrigger: false});
	}
	const next = <K extends HostEventName>(name: K, match: (payload: HostEventMap[K]) => boolean = () => true) =>
		new Promise<HostEventMap[K]>((resolve) => {
			const off = host.events.on(name, (payload) => {
				if (!match(payload)) return;
				off();
				resolve(payload);
			});
		});
	return {
		...running,
		made,
		factory,
		clock,
		next,
		sent: () => factory.sockets.flatMap((socket) => socket.sent),
		async open() {
			await settle();
			const socket = factory.current;
			socket.groups = {[family]: groupMetadata(family, 'Family')};
			socket.open();
			await settle();
			return socket;
		},
		stored: (chatJid) => queryStore(made.home, 'SELECT id, content, is_bot FROM messages WHERE chat_jid = ? ORDER BY seq', chatJid),
		outbox: () => queryStore(made.home, 'SELECT chat_jid, text, sent_at, attempts FROM outbox ORDER BY id'),
		ipc: (folder, kind, name, data) => requestIpc(made.home, folder, kind, name, data),
	};
}
