// A chat that needs the trigger word stays answerable after any amount of chatter without it: the
// untriggered messages are stored (nothing lost), the turn sees the trigger with the chatter just
// before it as context, and chatter too old for that window is passed without a turn.
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {ChatBatches} from '../../src/host/chat-batches.js';
import {chatTrigger} from '../../src/router.js';
import {openDb} from '../../src/store/db.js';
import {MessageStore} from '../../src/store/messages.js';
import {tempHome} from '../support/temp-home.js';
import {queryStore, waitFor} from '../support/cli.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {closeAfterEach} from '../support/test-host.js';
import {waMessage} from '../whatsapp/fake-socket.js';
import {alice, startWhatsAppHost} from '../whatsapp/host-harness.js';

const club = '120363000000000077@g.us';

const track = closeAfterEach();

describe('the store\'s window of a chat', () => {
	it('finds the context before a message and the point older chatter is passed at, the bot\'s own left out', () => {
		const db = openDb(path.join(tempHome().root, 'db.sqlite'));
		const messages = new MessageStore(db);
		const seqOf = new Map<string, number>();
		for (let i = 1; i <= 12; i++) {
			const fromBot = i % 4 === 0;
			const seq = messages.insert({id: `m${i}`, chatJid: club, sender: fromBot ? 'assistant' : 'alice', senderName: 'A', content: `m${i}`, timestamp: '2026-01-01T00:00:00Z', fromMe: fromBot, isBotMessage: fromBot});
			seqOf.set(`m${i}`, seq!);
		}
		messages.insert({id: 'other', chatJid: 'other@g.us', sender: 'bob', senderName: 'B', content: 'x', timestamp: '2026-01-01T00:00:00Z', fromMe: false, isBotMessage: false});
		// From people: m1 m2 m3 m5 m6 m7 m9 m10 m11
		expect(messages.latestFromPeople(club, 0, seqOf.get('m10')!, 3).map((m) => m.content)).toEqual(['m6', 'm7', 'm9']);
		expect(messages.latestFromPeople(club, seqOf.get('m6')!, seqOf.get('m10')!, 5).map((m) => m.content)).toEqual(['m7', 'm9']);
		expect(messages.beyondLatest(club, 0, 4)).toBe(seqOf.get('m6'));
		expect(messages.beyondLatest(club, seqOf.get('m6')!, 4)).toBeNull();
		expect(messages.beyondLatest(club, 0, 9)).toBeNull();
		db.close();
	});
});

describe('ChatBatches', () => {
	const trigger = chatTrigger({isMain: false, requiresTrigger: true, trigger: '@Baby'}, club);
	const limits = {messages: 500, chars: Number.POSITIVE_INFINITY};
	function store() {
		const db = openDb(path.join(tempHome().root, 'db.sqlite'));
		const messages = new MessageStore(db);
		const add = (content: string) => messages.insert({id: content, chatJid: club, sender: 'alice', senderName: 'A', content, timestamp: '2026-01-01T00:00:00Z', fromMe: false, isBotMessage: false})!;
		return {db, messages, add, batches: new ChatBatches(messages)};
	}

	it('finds a triggered batch again when the turn that took it failed, after searching past it', () => {
		const {db, add, batches} = store();
		add('a');
		add('@Baby question');
		const last = add('b');
		const none = () => {};
		expect(batches.next(club, 0, trigger, limits, none)?.map((m) => m.content)).toEqual(['a', '@Baby question', 'b']);
		add('c'); // arrives while that turn is in flight (searched from its end)
		expect(batches.next(club, last, trigger, limits, none)).toBeNull();
		// The turn failed: from the cursor again, the question is found, not skipped as searched.
		expect(batches.next(club, 0, trigger, limits, none)?.map((m) => m.content)).toEqual(['a', '@Baby question', 'b', 'c']);
		db.close();
	});

	it('passes chatter older than the latest window, and finds a trigger that comes after', () => {
		const {db, add, batches} = store();
		const seqs = Array.from({length: 503}, (_, i) => add(`chatter ${i}`));
		const passed: number[] = [];
		expect(batches.next(club, 0, trigger, limits, (seq) => passed.push(seq))).toBeNull();
		expect(passed).toEqual([seqs[2]]);
		add('@Baby now');
		const batch = batches.next(club, seqs[2]!, trigger, limits, () => {})!;
		expect(batch).toHaveLength(500);
		expect(batch.at(-1)!.content).toBe('@Baby now');
		expect(batch[0]!.content).toBe('chatter 4');
		db.close();
	});
});

describe('a chat that needs the trigger', () => {
	it('answers "@Baby are you there?" after 600 messages without the trigger', async () => {
		const ollama = track(await startScriptedOllama({fallback: () => ({content: 'yes, here'})}));
		const running = track(await startWhatsAppHost({ollama, registerFamily: false}));
		await running.host.registerGroup({jid: club, name: 'Club', folder: 'club', requiresTrigger: true});
		const socket = await running.open();
		for (let batch = 0; batch < 12; batch++) {
			socket.upsert(Array.from({length: 50}, (_, i) => waMessage({id: `CHAT${batch * 50 + i}`, remoteJid: club, participant: alice, text: `chatter ${batch * 50 + i}`})));
		}
		await waitFor('the chatter to be stored', () => running.stored(club).length === 600);
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
		await waitFor('the answer on WhatsApp', () => running.sent().some((sent) => sent.jid === club));
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
