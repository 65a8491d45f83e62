import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {Outbox} from '../../src/outbox.js';
import {openDb, type Db} from '../../src/store/db.js';
import {OutboxStore} from '../../src/store/outbox-store.js';
import {recordingChannel} from '../ipc/harness.js';
import {tempHome} from '../support/temp-home.js';

const dbs: Db[] = [];
afterEach(() => {
	for (const db of dbs.splice(0)) db.close();
});

function setup(dbFile = path.join(tempHome().root, 'db.sqlite'), connected = true) {
	const db = openDb(dbFile);
	dbs.push(db);
	const store = new OutboxStore(db);
	const wa = recordingChannel('whatsapp', 'wa:', connected);
	const timers: Array<{fn: () => void; ms: number}> = [];
	const outbox = new Outbox({
		store,
		channels: () => [wa.channel],
		now: () => new Date('2025-01-01T10:00:00.000Z'),
		maxAttempts: 3,
		setTimer: (fn, ms) => {
			timers.push({fn, ms});
			return () => {};
		},
	});
	return {db, store, outbox, wa, timers, dbFile};
}

describe('Outbox', () => {
	it('stores then sends through the channel that owns the chat', async () => {
		const {outbox, wa, store} = setup();
		expect(await outbox.enqueue('wa:a@g.us', 'hello')).toEqual({id: 1, status: 'sent'});
		expect(wa.sent).toEqual([{jid: 'wa:a@g.us', text: 'hello'}]);
		expect(store.get(1)).toMatchObject({sentAt: '2025-01-01T10:00:00.000Z', attempts: 1, lastError: null});
	});

	it('keeps messages for a disconnected channel across a restart and sends them in order, once, on reconnect', async () => {
		const first = setup(undefined, false);
		expect(await first.outbox.enqueue('wa:a@g.us', 'one')).toEqual({id: 1, status: 'queued', reason: 'whatsapp is not connected'});
		await first.outbox.enqueue('wa:b@g.us', 'two');
		await first.outbox.enqueue('wa:a@g.us', 'three');
		expect(first.wa.sent).toEqual([]);
		first.db.close();
		dbs.splice(dbs.indexOf(first.db), 1);

		const second = setup(first.dbFile, false);
		expect(second.outbox.pending().map((message) => message.text)).toEqual(['one', 'two', 'three']);
		second.wa.channel.connected = true;
		await Promise.all([second.outbox.flush(second.wa.channel), second.outbox.flush(second.wa.channel)]);
		await second.outbox.flushAll();
		expect(second.wa.sent.map((sent) => sent.text)).toEqual(['one', 'two', 'three']);
		expect(second.outbox.pending()).toEqual([]);
	});

	it('keeps a message whose send throws, records the error, and never lets a later message of that chat overtake it', async () => {
		const {outbox, wa, store, timers} = setup();
		wa.channel.failNext = 'socket closed';
		expect(await outbox.enqueue('wa:a@g.us', 'first')).toEqual({
			id: 1,
			status: 'queued',
			reason: 'whatsapp could not send: socket closed',
		});
		expect(store.get(1)).toMatchObject({attempts: 1, sentAt: null, lastError: 'whatsapp could not send: socket closed'});
		expect(timers.map((timer) => timer.ms)).toEqual([2000]);

		// The same chat waits behind its earlier message: nothing overtakes it.
		wa.channel.failNext = 'socket closed';
		expect(await outbox.enqueue('wa:a@g.us', 'second')).toMatchObject({status: 'queued'});
		expect(store.get(2)).toMatchObject({attempts: 0, sentAt: null});
		expect(wa.sent).toEqual([]);

		// Any later flush (a new message, a reconnect, the retry timer) sends them in order, each once.
		expect(await outbox.enqueue('wa:b@g.us', 'other chat')).toEqual({id: 3, status: 'sent'});
		timers[0]!.fn();
		await outbox.flush(wa.channel);
		expect(wa.sent.map((sent) => sent.text)).toEqual(['first', 'second', 'other chat']);
		expect(store.get(1)).toMatchObject({attempts: 3, lastError: 'whatsapp could not send: socket closed'});
		expect(store.get(1)?.sentAt).not.toBeNull();
	});

	it('gives a message up after maxAttempts failures and lets the chat move on', async () => {
		const failing = setup();
		const send = failing.wa.channel.sendMessage;
		failing.wa.channel.sendMessage = async (jid, text) => {
			if (text === 'poison') throw new Error('rejected by server');
			return send(jid, text);
		};
		await failing.outbox.enqueue('wa:a@g.us', 'poison');
		await failing.outbox.flush(failing.wa.channel);
		await failing.outbox.flush(failing.wa.channel);
		expect(failing.store.failed(3)).toEqual([expect.objectContaining({text: 'poison', attempts: 3})]);
		expect(await failing.outbox.enqueue('wa:a@g.us', 'next')).toEqual({id: 2, status: 'sent'});
		expect(failing.wa.sent.map((sent) => sent.text)).toEqual(['next']);
	});

	it('queues a message for a chat no channel handles, with the reason', async () => {
		const {outbox, store} = setup();
		expect(await outbox.enqueue('sms:+100', 'hi')).toEqual({id: 1, status: 'queued', reason: 'no channel handles chat sms:+100'});
		expect(store.get(1)).toMatchObject({sentAt: null, attempts: 0});
	});
});
