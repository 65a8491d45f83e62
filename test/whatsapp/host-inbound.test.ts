// The host with WhatsApp on the fake socket: what comes in is answered once, and only what should be.
import {afterEach, describe, expect, it} from 'vitest';
import type {StoredMessage} from '../../src/api/types.js';
import {waitFor} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {settle} from './fake-clock.js';
import {waMessage} from './fake-socket.js';
import {alice, family, selfChat, startWhatsAppHost, type WhatsAppHost} from './host-harness.js';

let ollama: ScriptedOllama | undefined;
let running: WhatsAppHost | undefined;
afterEach(async () => {
	await running?.stop();
	await ollama?.close();
	running = undefined;
	ollama = undefined;
});

/** Answers `answer N` to the Nth model request, and notes the presences the socket had sent by then. */
async function numberedOllama(presencesAtRequest: string[][], host: () => WhatsAppHost | undefined) {
	let n = 0;
	return startScriptedOllama({
		fallback: () => {
			presencesAtRequest.push((host()?.factory.current.presences ?? []).map((p) => `${p.type} ${p.jid}`));
			return {content: `answer ${++n}`};
		},
	});
}

describe('WhatsApp through the host', () => {
	it('answers a registered group once, shows composing while the agent works and paused after, and ignores its own echo', async () => {
		const presences: string[][] = [];
		ollama = await numberedOllama(presences, () => running);
		running = await startWhatsAppHost({ollama});
		const socket = await running.open();
		const stored: StoredMessage[] = [];
		running.host.events.on('message', ({message}) => stored.push(message));

		const turn = running.next('turn', (t) => t.chatJid === family);
		socket.upsert([waMessage({id: 'IN1', remoteJid: family, participant: alice, pushName: 'Alice', text: 'hello bot'})]);
		expect(await turn).toMatchObject({ok: true});
		await waitFor('the reply on WhatsApp', () => running!.sent().length > 0);
		expect(running.sent().map(({jid, text}) => ({jid, text}))).toEqual([{jid: family, text: 'answer 1'}]);
		expect(presences[0]).toEqual([`composing ${family}`]);
		expect(socket.presences.at(-1)).toEqual({type: 'paused', jid: family});

		// Baileys echoes what the bot sent: neither stored again nor answered.
		const echoId = running.sent()[0].messageId!;
		socket.upsert([waMessage({id: echoId, remoteJid: family, fromMe: true, text: 'answer 1'})]);
		await settle();
		expect(stored.map((m) => m.id)).not.toContain(echoId);

		const second = running.next('turn', (t) => t.chatJid === family);
		socket.upsert([waMessage({id: 'IN2', remoteJid: family, participant: alice, pushName: 'Alice', text: 'and again'})]);
		await second;
		await waitFor('the second reply', () => running!.sent().length > 1);
		expect(running.sent().map((s) => s.text)).toEqual(['answer 1', 'answer 2']);
		expect(ollama.chatRequests).toHaveLength(2);
		expect(running.stored(family).map((m) => [m.content, m.is_bot])).toEqual([
			['hello bot', 0],
			['answer 1', 1],
			['and again', 0],
			['answer 2', 1],
		]);
	});

	it('records a message in an unregistered chat as chat metadata only', async () => {
		ollama = await numberedOllama([], () => running);
		running = await startWhatsAppHost({ollama});
		const socket = await running.open();
		socket.upsert([waMessage({id: 'B1', remoteJid: alice, pushName: 'Alice', text: 'are you a bot?'})]);
		await waitFor('the chat in the snapshot', () => running!.host.snapshot().chats.some((chat) => chat.jid === alice));
		expect(running.host.snapshot().chats.find((chat) => chat.jid === alice)).toMatchObject({name: 'Alice', channel: 'whatsapp', isGroup: false});
		expect(running.host.snapshot().chats.find((chat) => chat.jid === family)).toMatchObject({name: 'Family', channel: 'whatsapp', isGroup: true});
		expect(running.stored(alice)).toEqual([]);
		expect(ollama.chatRequests).toEqual([]);
		expect(running.sent()).toEqual([]);
	});

	it("takes the operator's self-chat as input to main and answers there, never answering its own answer", async () => {
		ollama = await numberedOllama([], () => running);
		running = await startWhatsAppHost({ollama});
		const socket = await running.open();
		const turn = running.next('turn', (t) => t.chatJid === selfChat);
		socket.upsert([waMessage({id: 'ME1', remoteJid: selfChat, fromMe: true, text: 'note to self: buy milk'})]);
		expect(await turn).toMatchObject({groupFolder: 'main', ok: true});
		expect(ollama.chatRequests[0].messages.at(-1)!.content).toContain('note to self: buy milk');
		await waitFor('the reply in the self-chat', () => running!.sent().length > 0);
		expect(running.sent().map(({jid, text}) => ({jid, text}))).toEqual([{jid: selfChat, text: 'answer 1'}]);

		// In the self-chat the echo is fromMe like the operator's own messages: only its id tells it apart.
		socket.upsert([waMessage({id: running.sent()[0].messageId!, remoteJid: selfChat, fromMe: true, text: 'answer 1'})]);
		await settle();
		expect(running.stored(selfChat).map((m) => [m.content, m.is_bot])).toEqual([
			['note to self: buy milk', 0],
			['answer 1', 1],
		]);
		expect(ollama.chatRequests).toHaveLength(1);
	});
});
