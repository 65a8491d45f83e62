// The host with WhatsApp on the fake socket: replies survive disconnects and restarts, stops are
// explained, groups refresh on request, and start-up never waits on WhatsApp.
import {afterEach, describe, expect, it} from 'vitest';
import {homePaths} from '../../src/paths.js';
import {openDb} from '../../src/store/db.js';
import {OutboxStore} from '../../src/store/outbox-store.js';
import {whatsappLabel} from '../../src/ui/components/status-bar.js';
import {waitFor} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {settle} from './fake-clock.js';
import {groupMetadata, waMessage} from './fake-socket.js';
import {alice, family, startWhatsAppHost, type WhatsAppHost} from './host-harness.js';

let ollama: ScriptedOllama | undefined;
const hosts: WhatsAppHost[] = [];
afterEach(async () => {
	for (const host of hosts.splice(0)) await host.stop();
	await ollama?.close();
	ollama = undefined;
});

async function start(options: Parameters<typeof startWhatsAppHost>[0]) {
	const running = await startWhatsAppHost(options);
	hosts.push(running);
	return running;
}

/** Ollama whose answer comes only after the connection dropped (the socket closes with 428 on the request). */
async function droppingOllama(current: () => WhatsAppHost | undefined, answer: string) {
	return startScriptedOllama({
		replies: [
			() => {
				current()?.factory.current.close(428);
				return {content: answer};
			},
		],
		fallback: () => ({content: 'unexpected'}),
	});
}

describe('WhatsApp replies through the host', () => {
	it('a reply produced while disconnected goes out after the reconnect, once', async () => {
		let running: WhatsAppHost | undefined;
		ollama = await droppingOllama(() => running, 'written while offline');
		running = await start({ollama});
		const first = await running.open();
		const turn = running.next('turn', (t) => t.chatJid === family);
		first.upsert([waMessage({id: 'IN1', remoteJid: family, participant: alice, text: 'hello'})]);
		await turn;
		await waitFor('the reply to wait in the outbox', () => running!.outbox().length === 1 && running!.outbox());
		expect(running.host.snapshot().whatsapp).toMatchObject({status: 'reconnecting', attempt: 1});
		expect(running.sent()).toEqual([]);

		await running.clock.advance(2_000);
		const second = await running.open();
		await waitFor('the reply after the reconnect', () => second.sent.length > 0);
		expect(second.sent.map(({jid, text}) => ({jid, text}))).toEqual([{jid: family, text: 'written while offline'}]);

		// Another drop and reconnect sends nothing again.
		second.close(428);
		await settle();
		await running.clock.advance(2_000);
		await running.open();
		await settle();
		expect(running.sent().map((s) => s.text)).toEqual(['written while offline']);
		expect(running.outbox()).toEqual([expect.objectContaining({attempts: 1, sent_at: expect.any(String)})]);
	});

	it('replies queued when the host stops go out after a restart of the same home, in order, each once', async () => {
		let running: WhatsAppHost | undefined;
		ollama = await droppingOllama(() => running, 'the answer');
		running = await start({ollama});
		const socket = await running.open();
		const turn = running.next('turn', (t) => t.chatJid === family);
		socket.upsert([waMessage({id: 'IN1', remoteJid: family, participant: alice, text: 'hello'})]);
		await turn;
		const ack = await running.ipc('family', 'messages', 'follow-up.json', {type: 'message', chatJid: family, text: 'a follow-up'});
		expect(ack).toMatchObject({ok: true, result: expect.stringMatching(/^queued: whatsapp is not connected/)});
		await running.stop();
		hosts.splice(hosts.indexOf(running), 1);
		expect(running.sent()).toEqual([]);

		const restarted = await start({ollama, made: running.made});
		expect(restarted.host.snapshot().whatsapp).toEqual({status: 'connecting'});
		const fresh = await restarted.open();
		await waitFor('both replies after the restart', () => fresh.sent.length >= 2);
		await settle();
		expect(fresh.sent.map(({jid, text}) => ({jid, text}))).toEqual([
			{jid: family, text: 'the answer'},
			{jid: family, text: 'a follow-up'},
		]);
		await restarted.stop();
		hosts.splice(hosts.indexOf(restarted), 1);

		const third = await start({ollama, made: running.made});
		const quiet = await third.open();
		await settle();
		expect(quiet.sent).toEqual([]);
		expect(ollama.chatRequests).toHaveLength(1);
	});

	it('sends local replies a crash left in the outbox as soon as the host starts', async () => {
		ollama = await startScriptedOllama();
		const made = tempHome();
		const db = openDb(homePaths(made.home).dbFile);
		new OutboxStore(db).add('local:main', 'left by a crash', new Date().toISOString());
		db.close();
		const running = await start({ollama, made});
		await waitFor('the local reply to be sent', () => running.outbox()[0]?.sent_at);
	});

	it('start-up does not wait for WhatsApp: offline, the version fetch may take seconds', async () => {
		ollama = await startScriptedOllama();
		let release!: () => void;
		const fetching = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
		const running = await start({ollama, fetchVersion: () => fetching});
		expect(running.host.snapshot().whatsapp).toEqual({status: 'connecting'});
		expect(running.factory.sockets).toHaveLength(0);
		release();
		await running.open();
		expect(running.host.snapshot().whatsapp).toMatchObject({status: 'paired'});
	});
});

describe('WhatsApp stops and group refresh through the host', () => {
	it.each([
		[401, 'error', /re-pair/, 'logged out — press p to re-pair'],
		[440, 'warn', /another client took over/, 'another client took over — press p to reconnect'],
		[403, 'warn', /403 forbidden/, 'forbidden (403) — check the phone, then press p'],
	] as const)('%i: a notice says why, and the status bar label says what to do', async (code, level, reason, label) => {
		ollama = await startScriptedOllama();
		const running = await start({ollama});
		const socket = await running.open();
		const notice = running.next('notice');
		socket.close(code);
		expect(await notice).toEqual({level, text: expect.stringMatching(reason)});
		expect(whatsappLabel(running.host.snapshot().whatsapp)).toBe(label);
	});

	it('refresh_groups syncs WhatsApp group names when connected, and says so when not', async () => {
		ollama = await startScriptedOllama();
		const running = await start({ollama, registerFamily: false});
		const socket = await running.open();
		socket.groups = {[family]: groupMetadata(family, 'Family renamed')};
		const synced = await running.ipc('main', 'requests', 'refresh-1.json', {type: 'refresh_groups'});
		expect(synced).toMatchObject({
			ok: true,
			result: {
				whatsapp: 'synced the names of 1 WhatsApp groups',
				groups: [expect.objectContaining({folder: 'main'})],
				// Not registered yet: main gets its jid to register it.
				unregistered: [expect.objectContaining({jid: family, name: 'Family renamed', isGroup: true})],
			},
		});
		expect(socket.groupFetches).toBe(2);
		expect(running.host.snapshot().chats.find((chat) => chat.jid === family)?.name).toBe('Family renamed');

		socket.close(428);
		await settle();
		const offline = await running.ipc('main', 'requests', 'refresh-2.json', {type: 'refresh_groups'});
		expect(offline).toMatchObject({ok: true, result: {whatsapp: 'WhatsApp is not connected: group names sync when it reconnects'}});
		expect(socket.groupFetches).toBe(2);
	});
});
