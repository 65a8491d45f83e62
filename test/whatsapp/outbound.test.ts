import {describe, expect, it} from 'vitest';
import {UndeliverableError} from '../../src/outbox.js';
import {settle} from './fake-clock.js';
import {groupMetadata} from './fake-socket.js';
import {connectedChannel, makeChannel} from './harness.js';

const alice = '4915000000001@s.whatsapp.net';
const family = '120363000000000001@g.us';
const day = 24 * 60 * 60_000;

describe('WhatsApp outbound', () => {
	it('throws while disconnected (so the outbox keeps the reply) and sends after the reconnect', async () => {
		const h = makeChannel({paired: true});
		await expect(h.channel.sendMessage(alice, 'early')).rejects.toThrow(/not connected: the reply waits in the outbox/);
		await h.channel.connect();
		await expect(h.channel.sendMessage(alice, 'still connecting')).rejects.toThrow(/not connected/);
		h.factory.current.open();
		await settle();
		h.factory.current.close(428);
		await settle();
		await expect(h.channel.sendMessage(alice, 'while down')).rejects.toThrow(/not connected/);
		await h.clock.advance(2_000);
		h.factory.current.open();
		await settle();
		expect(h.connections).toEqual([true, false, true]);
		await h.channel.sendMessage(alice, 'while down');
		expect(h.factory.sockets.flatMap((s) => s.sent).map((s) => [s.jid, s.text])).toEqual([[alice, 'while down']]);
	});

	it('a send that fails in the socket rejects, and the next one still goes out', async () => {
		const h = await connectedChannel();
		h.factory.current.failNextSend = new Error('Timed Out');
		await expect(h.channel.sendMessage(alice, 'one')).rejects.toThrow('Timed Out');
		const second = h.channel.sendMessage(alice, 'two');
		await h.clock.advance(1_500);
		await second;
		expect(h.factory.current.sent.map((s) => s.text)).toEqual(['two']);
	});

	it('spaces sends by the rate limit plus jitter, in call order', async () => {
		const h = await connectedChannel();
		const done: string[] = [];
		const sends = ['a', 'b', 'c'].map((text) => h.channel.sendMessage(alice, text).then(() => done.push(text)));
		await settle();
		expect(done).toEqual(['a']);
		// interval 1000 + jitter 1000 * random 0.5
		await h.clock.advance(1_499);
		expect(done).toEqual(['a']);
		await h.clock.advance(1);
		expect(done).toEqual(['a', 'b']);
		await h.clock.advance(1_500);
		await Promise.all(sends);
		expect(h.factory.current.sent.map((s) => s.text)).toEqual(['a', 'b', 'c']);
	});

	it('a send waiting for its turn throws if the connection drops meanwhile', async () => {
		const h = await connectedChannel();
		await h.channel.sendMessage(alice, 'first');
		const waiting = h.channel.sendMessage(alice, 'second').catch((error: Error) => error);
		h.factory.current.close(428);
		await settle();
		await h.clock.advance(1_500);
		expect(await waiting).toBeInstanceOf(Error);
		expect(((await waiting) as Error).message).toMatch(/not connected/);
		expect(h.factory.sockets.flatMap((s) => s.sent).map((s) => s.text)).toEqual(['first']);
	});

	it('a chat WhatsApp refuses (404 item-not-found, 403 forbidden) or a jid it does not own is undeliverable, not retried', async () => {
		const h = await connectedChannel();
		const refusal = (code: number, text: string) => Object.assign(new Error(text), {isBoom: true, data: code, output: {statusCode: 500}});
		h.factory.current.failNextSend = refusal(404, 'item-not-found');
		await expect(h.channel.sendMessage(family, 'to a group that is gone')).rejects.toBeInstanceOf(UndeliverableError);
		await h.clock.advance(1_500);
		h.factory.current.failNextSend = refusal(403, 'forbidden');
		await expect(h.channel.sendMessage(family, 'after being removed')).rejects.toThrow(/WhatsApp refused chat .*403 forbidden/);
		await expect(h.channel.sendMessage('local:main', 'wrong channel')).rejects.toBeInstanceOf(UndeliverableError);
		// A timeout may pass: it stays a plain error the outbox retries.
		await h.clock.advance(1_500);
		h.factory.current.failNextSend = new Error('Timed Out');
		const timedOut = await h.channel.sendMessage(alice, 'slow').catch((error: Error) => error);
		expect(timedOut).not.toBeInstanceOf(UndeliverableError);
	});

	it('refreshGroups syncs group names on demand when connected and says why not otherwise', async () => {
		const h = makeChannel({paired: true});
		await expect(h.channel.refreshGroups()).rejects.toThrow(/WhatsApp is not connected: group names sync when it reconnects/);
		await h.channel.connect();
		await settle();
		h.factory.current.open();
		await settle();
		h.factory.current.groups = {[family]: groupMetadata(family, 'Family'), '120363000000000002@g.us': groupMetadata('120363000000000002@g.us', 'Work')};
		expect(await h.channel.refreshGroups()).toBe(2);
		expect(h.factory.current.groupFetches).toBe(2);
		expect(h.chats.map((chat) => chat.name)).toEqual(['Family', 'Work']);
	});

	it('keeps composing alive every 10 s until paused', async () => {
		const h = await connectedChannel();
		const presences = () => h.factory.current.presences.map((p) => `${p.type} ${p.jid}`);
		await h.channel.setTyping(alice, true);
		expect(presences()).toEqual([`composing ${alice}`]);
		await h.clock.advance(9_999);
		expect(presences()).toHaveLength(1);
		await h.clock.advance(1);
		await h.clock.advance(10_000);
		expect(presences()).toEqual([`composing ${alice}`, `composing ${alice}`, `composing ${alice}`]);
		await h.channel.setTyping(alice, false);
		await h.clock.advance(60_000);
		expect(presences()).toEqual([`composing ${alice}`, `composing ${alice}`, `composing ${alice}`, `paused ${alice}`]);
	});

	it('typing survives a reconnect: quiet while down, composing again after', async () => {
		const h = await connectedChannel();
		await h.channel.setTyping(alice, true);
		const first = h.factory.current;
		first.close(428);
		await settle();
		await h.clock.advance(2_000);
		const second = h.factory.current;
		second.open();
		await settle();
		await h.clock.advance(10_000);
		expect(first.presences.map((p) => p.type)).toEqual(['composing']);
		expect(second.presences.map((p) => p.type)).toEqual(['composing']);
	});

	it('syncs group names on connect and daily, and serves them as cached group metadata', async () => {
		const h = makeChannel({paired: true});
		await h.channel.connect();
		await settle();
		h.factory.current.groups = {[family]: groupMetadata(family, 'Family')};
		h.factory.current.open();
		await settle();
		expect(h.factory.current.groupFetches).toBe(1);
		expect(h.chats).toEqual([{jid: family, name: 'Family', isGroup: true}]);
		expect(await h.factory.current.options.cachedGroupMetadata?.(family)).toMatchObject({id: family, subject: 'Family'});

		h.factory.current.groups = {[family]: groupMetadata(family, 'Family (renamed)')};
		await h.clock.advance(day - 1);
		expect(h.factory.current.groupFetches).toBe(1);
		await h.clock.advance(1);
		expect(h.factory.current.groupFetches).toBe(2);
		expect(h.chats.at(-1)).toEqual({jid: family, name: 'Family (renamed)', isGroup: true});
		await h.clock.advance(day);
		expect(h.factory.current.groupFetches).toBe(3);
	});
});
