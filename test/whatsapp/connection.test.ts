import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {settle} from './fake-clock.js';
import {connectedChannel, makeChannel} from './harness.js';

const day = 24 * 60 * 60_000;

describe('WhatsApp connection policy in the channel', () => {
	it('401 logged out: stops, says re-pair, moves the credentials aside, never reconnects', async () => {
		const h = await connectedChannel();
		h.factory.current.close(401);
		await settle();
		expect(h.lastState()).toMatchObject({status: 'logged-out', reason: expect.stringMatching(/re-pair/)});
		expect(h.connections).toEqual([true, false]);
		expect(fs.existsSync(h.authDir)).toBe(false);
		const aside = fs.readdirSync(path.dirname(h.authDir)).filter((name) => /^auth-.*\.bak$/.test(name));
		expect(aside).toHaveLength(1);
		expect(fs.existsSync(path.join(path.dirname(h.authDir), aside[0], 'creds.json'))).toBe(true);
		await h.clock.advance(day);
		expect(h.factory.sockets).toHaveLength(1);
		expect(h.clock.pending()).toBe(0);
	});

	it.each([
		[440, /another client took over/],
		[403, /forbidden/],
	])('%i: stops with the reason and keeps the credentials', async (code, reason) => {
		const h = await connectedChannel();
		h.factory.current.close(code);
		await settle();
		expect(h.lastState()).toMatchObject({status: 'stopped', reason: expect.stringMatching(reason)});
		expect(fs.existsSync(path.join(h.authDir, 'creds.json'))).toBe(true);
		await h.clock.advance(day);
		expect(h.factory.sockets).toHaveLength(1);
	});

	it('515 restart required: a new socket at once, no timer', async () => {
		const h = await connectedChannel();
		h.factory.current.close(515);
		await settle();
		expect(h.factory.sockets).toHaveLength(2);
		expect(h.factory.sockets[0].ended).toBe(true);
		expect(h.clock.pending()).toBe(0);
		h.factory.current.open();
		await settle();
		expect(h.connections).toEqual([true, false, true]);
	});

	it('any other close: exponential backoff (random 0.5 = no spread), reset once open', async () => {
		const h = await connectedChannel();
		h.factory.current.close(428);
		await settle();
		expect(h.lastState()).toEqual({status: 'reconnecting', attempt: 1, inMs: 2_000});
		await h.clock.advance(1_999);
		expect(h.factory.sockets).toHaveLength(1);
		await h.clock.advance(1);
		expect(h.factory.sockets).toHaveLength(2);

		h.factory.current.close(408);
		await settle();
		expect(h.lastState()).toEqual({status: 'reconnecting', attempt: 2, inMs: 4_000});
		await h.clock.advance(4_000);
		expect(h.factory.sockets).toHaveLength(3);

		h.factory.current.open();
		await settle();
		h.factory.current.close(500);
		await settle();
		expect(h.lastState()).toEqual({status: 'reconnecting', attempt: 1, inMs: 2_000});
	});

	it('a socket that cannot be created counts as a close and backs off', async () => {
		const h = await connectedChannel();
		h.factory.failNext = new Error('EACCES store/auth');
		h.factory.current.close(428);
		await settle();
		await h.clock.advance(2_000);
		expect(h.lastState()).toEqual({status: 'reconnecting', attempt: 2, inMs: 4_000});
		await h.clock.advance(4_000);
		expect(h.factory.live()).toHaveLength(1);
	});

	it('one socket at a time: a new connect ends the old one, drops the pending reconnect and ignores the old events', async () => {
		const h = await connectedChannel();
		const first = h.factory.current;
		first.close(428);
		await settle();
		expect(h.clock.pending()).toBe(1);
		await h.channel.connect();
		await settle();
		expect(h.clock.pending()).toBe(0);
		expect(h.factory.sockets).toHaveLength(2);
		await h.channel.connect();
		await settle();
		expect(h.factory.live()).toEqual([h.factory.current]);
		expect(first.listenerCount()).toBe(0);
		expect(h.factory.sockets[1].listenerCount()).toBe(0);

		// A late event from an old socket changes nothing.
		first.open();
		first.upsert([{key: {remoteJid: '4915000000001@s.whatsapp.net', id: 'OLD1', fromMe: false}, message: {conversation: 'late'}}]);
		await settle();
		expect(h.channel.isConnected()).toBe(false);
		expect(h.messages).toEqual([]);

		await h.clock.advance(day);
		expect(h.factory.sockets).toHaveLength(3);
		expect(h.factory.live()).toHaveLength(1);
	});

	it('connect returns at once while the WhatsApp Web version is still being fetched (offline start)', async () => {
		let release!: () => void;
		const fetching = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
		const h = makeChannel({paired: true, fetchVersion: () => fetching});
		await h.channel.connect();
		expect(h.channel.currentState()).toEqual({status: 'connecting'});
		expect(h.factory.sockets).toHaveLength(0);
		release();
		await settle();
		expect(h.factory.sockets).toHaveLength(1);
		h.factory.current.open();
		await settle();
		expect(h.channel.currentState()).toMatchObject({status: 'paired'});
	});

	it('disconnect: ends the socket, reports it, and the close it causes does not reconnect', async () => {
		const h = await connectedChannel();
		await h.channel.disconnect();
		expect(h.factory.current.ended).toBe(true);
		expect(h.connections).toEqual([true, false]);
		expect(h.lastState()).toEqual({status: 'off'});
		await h.clock.advance(day);
		expect(h.factory.sockets).toHaveLength(1);
	});
});
