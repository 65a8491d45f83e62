// A chat that needs the trigger word stays answerable after any amount of chatter without it: the
// untriggered messages are stored (nothing lost), the turn sees the trigger with the chatter just
// before it as context, and chatter too old for that window is passed without a turn.
import {afterEach, describe, expect, it} from 'vitest';
import {queryStore, waitFor} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {waMessage} from '../whatsapp/fake-socket.js';
import {alice, startWhatsAppHost, type WhatsAppHost} from '../whatsapp/host-harness.js';

const club = '120363000000000077@g.us';

let ollama: ScriptedOllama | undefined;
let running: WhatsAppHost | undefined;
afterEach(async () => {
	await running?.stop();
	await ollama?.close();
	running = undefined;
	ollama = undefined;
});

describe('a chat that needs the trigger', () => {
	it('answers "@Baby are you there?" after 600 messages without the trigger', async () => {
		ollama = await startScriptedOllama({fallback: () => ({content: 'yes, here'})});
		running = await startWhatsAppHost({ollama, registerFamily: false});
		await running.host.registerGroup({jid: club, name: 'Club', folder: 'club', requiresTrigger: true});
		const socket = await running.open();
		for (let batch = 0; batch < 12; batch++) {
			socket.upsert(Array.from({length: 50}, (_, i) => waMessage({id: `CHAT${batch * 50 + i}`, remoteJid: club, participant: alice, text: `chatter ${batch * 50 + i}`})));
		}
		await waitFor('the chatter to be stored', () => running!.stored(club).length === 600);
		expect(ollama.chatRequests).toHaveLength(0);
		// No prompt has room for the oldest 100: the cursor passed them without a turn.
		const stored = queryStore<{seq: number; content: string}>(running.made.home, 'SELECT seq, content FROM messages WHERE chat_jid = ? ORDER BY seq', club);
		const cursor = queryStore<{last_seq: number}>(running.made.home, 'SELECT last_seq FROM router_cursors WHERE chat_jid = ?', club);
		expect(cursor).toEqual([{last_seq: stored.find((m) => m.content === 'chatter 99')!.seq}]);

		const turns: boolean[] = [];
		running.host.events.on('turn', (t) => t.chatJid === club && turns.push(t.ok));
		socket.upsert([waMessage({id: 'ASK', remoteJid: club, participant: alice, text: '@Baby are you there?'})]);
		await waitFor('the turn of the question', () => turns.length > 0, 15_000);
		expect(turns).toEqual([true]);
		await waitFor('the answer on WhatsApp', () => running!.sent().some((sent) => sent.jid === club));
		expect(running.sent().filter((sent) => sent.jid === club).map((sent) => sent.text)).toEqual(['yes, here']);

		// The model saw the question, with the latest chatter before it; every message is still stored.
		expect(ollama.chatRequests).toHaveLength(1);
		const prompt = ollama.chatRequests[0].messages.at(-1)!.content;
		expect(prompt).toContain('@Baby are you there?');
		expect(prompt).toContain('chatter 599');
		expect(prompt).not.toContain('chatter 0<');
		expect(running.stored(club).filter((m) => m.is_bot === 0)).toHaveLength(601);
	});
});
