import {describe, expect, it} from 'vitest';
import {settle} from './fake-clock.js';
import {groupMetadata, waMessage} from './fake-socket.js';
import {connectedChannel, makeChannel, selfPhone} from './harness.js';

const alice = '4915000000001@s.whatsapp.net';
const family = '120363000000000001@g.us';
const self = `${selfPhone}@s.whatsapp.net`;

describe('WhatsApp inbound', () => {
	it('delivers a notified message once, with its chat metadata; appends and repeats are not input', async () => {
		const h = await connectedChannel();
		const message = waMessage({id: 'IN1', remoteJid: alice, pushName: 'Alice', text: '@Baby hi', seconds: 1_700_000_100});
		h.factory.current.upsert([message]);
		h.factory.current.upsert([message]);
		h.factory.current.upsert([waMessage({id: 'HIST1', remoteJid: alice, text: 'old'})], 'append');
		await settle();
		expect(h.messages).toEqual([
			{
				id: 'IN1',
				chatJid: alice,
				sender: alice,
				senderName: 'Alice',
				content: '@Baby hi',
				timestamp: new Date(1_700_000_100_000).toISOString(),
				fromMe: false,
				isBotMessage: false,
			},
		]);
		expect(h.chats).toContainEqual({jid: alice, name: 'Alice', isGroup: false, at: new Date(1_700_000_100_000).toISOString()});
	});

	it('keeps the order of messages across upserts', async () => {
		const h = await connectedChannel();
		for (let i = 1; i <= 5; i++) h.factory.current.upsert([waMessage({id: `M${i}`, remoteJid: alice, text: `n${i}`})]);
		await settle();
		expect(h.messages.map((m) => m.content)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
	});

	it.each([
		['extended text', {extendedTextMessage: {text: 'a link https://x.test'}}, 'a link https://x.test'],
		['image caption', {imageMessage: {caption: 'look at this', mimetype: 'image/jpeg'}}, 'look at this'],
		['video caption', {videoMessage: {caption: 'watch', mimetype: 'video/mp4'}}, 'watch'],
		['disappearing text', {ephemeralMessage: {message: {extendedTextMessage: {text: 'gone soon'}}}}, 'gone soon'],
		['view-once image', {viewOnceMessageV2: {message: {imageMessage: {caption: 'once'}}}}, 'once'],
	])('takes the text of a %s', async (_kind, content, text) => {
		const h = await connectedChannel();
		h.factory.current.upsert([waMessage({id: 'C1', remoteJid: alice, message: content})]);
		await settle();
		expect(h.messages.map((m) => m.content)).toEqual([text]);
	});

	it('records the chat but delivers nothing for a message without text (an image with no caption)', async () => {
		const h = await connectedChannel();
		h.factory.current.upsert([waMessage({id: 'P1', remoteJid: alice, pushName: 'Alice', message: {imageMessage: {mimetype: 'image/jpeg'}}})]);
		await settle();
		expect(h.messages).toEqual([]);
		expect(h.chats.map((c) => c.jid)).toEqual([alice]);
	});

	it('ignores status updates and channels', async () => {
		const h = await connectedChannel();
		h.factory.current.upsert([
			waMessage({id: 'S1', remoteJid: 'status@broadcast', participant: alice, text: 'my status'}),
			waMessage({id: 'N1', remoteJid: '120363111111111111@newsletter', text: 'news'}),
		]);
		await settle();
		expect(h.messages).toEqual([]);
		expect(h.chats).toEqual([]);
	});

	describe('LID mapping', () => {
		it('maps a LID chat through remoteJidAlt and a LID group member through participantAlt', async () => {
			const h = await connectedChannel();
			h.factory.current.upsert([
				waMessage({id: 'L1', remoteJid: '111222333@lid', remoteJidAlt: alice, text: 'dm'}),
				waMessage({id: 'L2', remoteJid: family, participant: '444555666:3@lid', participantAlt: '4915000000002:3@s.whatsapp.net', text: 'group'}),
			]);
			await settle();
			expect(h.messages.map((m) => [m.chatJid, m.sender])).toEqual([
				[alice, alice],
				[family, '4915000000002@s.whatsapp.net'],
			]);
			// Learned: a later message with the bare LID maps too.
			h.factory.current.upsert([waMessage({id: 'L3', remoteJid: '111222333@lid', text: 'again'})]);
			await settle();
			expect(h.messages.at(-1)?.chatJid).toBe(alice);
		});

		it('maps through lid-mapping.update events and through Baileys\' lid-mapping store', async () => {
			const h = await connectedChannel();
			h.factory.current.emit('lid-mapping.update', {lid: '777@lid', pn: '4915000000007@s.whatsapp.net'});
			h.factory.current.lidStore.set('888@lid', '4915000000008:0@s.whatsapp.net');
			h.factory.current.upsert([waMessage({id: 'E1', remoteJid: '777@lid', text: 'a'}), waMessage({id: 'E2', remoteJid: '888@lid', text: 'b'})]);
			await settle();
			expect(h.messages.map((m) => m.chatJid)).toEqual(['4915000000007@s.whatsapp.net', '4915000000008@s.whatsapp.net']);
		});

		it('keeps a LID nobody can map, so nothing is lost', async () => {
			const h = await connectedChannel();
			h.factory.current.upsert([waMessage({id: 'U1', remoteJid: '999000@lid', text: 'who'})]);
			await settle();
			expect(h.messages.map((m) => m.chatJid)).toEqual(['999000@lid']);
		});
	});

	it("takes the operator's own messages in the self-chat as input, also when addressed by their own LID", async () => {
		const h = await connectedChannel();
		h.factory.current.upsert([
			waMessage({id: 'ME1', remoteJid: self, fromMe: true, text: 'note to self'}),
			waMessage({id: 'ME2', remoteJid: '99887766@lid', fromMe: true, text: 'via lid'}),
		]);
		await settle();
		expect(h.messages.map((m) => [m.chatJid, m.sender, m.fromMe, m.isBotMessage, m.senderName])).toEqual([
			[self, self, true, false, 'Operator'],
			[self, self, true, false, 'Operator'],
		]);
	});

	it('never takes the bot\'s own sent messages (echoes) as input, also after a restart', async () => {
		const h = await connectedChannel();
		await h.channel.sendMessage(self, 'the answer');
		const [sent] = h.factory.current.sent;
		expect(sent.messageId).toBe('BOT1');
		h.factory.current.upsert([waMessage({id: sent.messageId!, remoteJid: self, fromMe: true, text: 'the answer'})]);
		await settle();
		expect(h.messages).toEqual([]);

		// A new process with the same home still recognises the echo.
		await h.channel.disconnect();
		const restarted = makeChannel({paired: true, home: h.home});
		await restarted.channel.connect();
		await settle();
		restarted.factory.current.open();
		await settle();
		restarted.factory.current.upsert([
			waMessage({id: 'BOT1', remoteJid: self, fromMe: true, text: 'the answer'}),
			waMessage({id: 'ME3', remoteJid: self, fromMe: true, text: 'thanks'}),
		]);
		await settle();
		expect(restarted.messages.map((m) => m.id)).toEqual(['ME3']);
	});

	it('records chat and group names from chats and groups events', async () => {
		const h = await connectedChannel();
		h.factory.current.emit('chats.upsert', [{id: alice, name: 'Alice A.'}, {id: 'status@broadcast', name: 'Status'}]);
		h.factory.current.emit('groups.upsert', [groupMetadata(family, 'Family')]);
		h.factory.current.emit('groups.update', [{id: family, subject: 'Family 2026'}]);
		await settle();
		expect(h.chats).toEqual([
			{jid: alice, name: 'Alice A.', isGroup: false},
			{jid: family, name: 'Family', isGroup: true},
			{jid: family, name: 'Family 2026', isGroup: true},
		]);
		expect(await h.factory.current.options.cachedGroupMetadata?.(family)).toMatchObject({subject: 'Family 2026'});
		h.factory.current.upsert([waMessage({id: 'G1', remoteJid: family, participant: alice, pushName: 'Alice', text: 'hi all'})]);
		await settle();
		expect(h.chats.at(-1)).toMatchObject({jid: family, name: 'Family 2026', isGroup: true});
		expect(h.messages.at(-1)).toMatchObject({chatJid: family, sender: alice, senderName: 'Alice'});
	});
});
