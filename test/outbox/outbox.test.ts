import path from 'node:path';
import {Writable} from 'node:stream';
import pino from 'pino';
import {afterEach, describe, expect, it} from 'vitest';
import {Outbox, UndeliverableError} from '../../src/outbox.js';
import {openDb, type Db} from '../../src/store/db.js';
import {OutboxStore} from '../../src/store/outbox-store.js';
import {recordingChannel} from '../ipc/harness.js';
import {settle} from '../whatsapp/fake-clock.js';
import {tempHome} from '../support/temp-home.js';

const dbs: Db[] = [];
afterEach(() => {
	for (const db of dbs.splice(0)) db.close();
});

/** A logger whose lines the test can read. */
function capturedLogger() {
	const lines: Array<{level: number; msg: string; reason?: string}> = [];
	const stream = new Writable({
		write(chunk: Buffer, _encoding, done) {
			lines.push(JSON.parse(chunk.toString('utf8')) as (typeof lines)[number]);
			done();
		},
	});
	return {logger: pino({level: 'debug'}, stream), lines};
}

function setup(dbFile = path.join(tempHome().root, 'db.sqlite'), connected = true) {
	const db = openDb(dbFile);
	dbs.push(db);
	const store = new OutboxStore(db);
	const wa = recordingChannel('whatsapp', 'wa:', connected);
	const local = recordingChannel('local', 'local:', true);
	const timers: Array<{fn: () => void; ms: number}> = [];
	const {logger, lines} = capturedLogger();
	const outbox = new Outbox({
		store,
		channels: () => [local.channel, wa.channel],
		reachable: (jid) => jid.startsWith('wa:') || jid.startsWith('local:'),
		logger,
		now: () => new Date('2025-01-01T10:00:00.000Z'),
		setTimer: (fn, ms) => {
			timers.push({fn, ms});
			return () => {};
		},
	});
	return {db, store, outbox, wa, local, timers, dbFile, lines};
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

	it('flushAll sends what every connected channel had left (local replies after a crash)', async () => {
		const first = setup(undefined, false);
		first.store.add('local:main', 'left by a crash', '2025-01-01T09:00:00.000Z');
		await first.outbox.enqueue('wa:a@g.us', 'for whatsapp');
		first.db.close();
		dbs.splice(dbs.indexOf(first.db), 1);

		const second = setup(first.dbFile, false);
		await second.outbox.flushAll();
		expect(second.local.sent).toEqual([{jid: 'local:main', text: 'left by a crash'}]);
		expect(second.outbox.pending().map((message) => message.text)).toEqual(['for whatsapp']);
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

	it('a flapping connection never loses a reply: sends that fail because the channel dropped wait for the reconnect, uncounted', async () => {
		const {outbox, wa, store, timers} = setup();
		const send = wa.channel.sendMessage;
		let drops = 0;
		wa.channel.sendMessage = async (jid, text) => {
			if (drops < 12) {
				drops++;
				wa.channel.connected = false;
				throw new Error('Connection Closed');
			}
			return send(jid, text);
		};
		await outbox.enqueue('wa:a@g.us', 'survives');
		for (let i = 0; i < 11; i++) {
			wa.channel.connected = true;
			await outbox.flush(wa.channel);
		}
		expect(store.get(1)).toMatchObject({sentAt: null, attempts: 0, givenUp: false, lastError: expect.stringMatching(/lost its connection while sending/)});
		expect(timers).toEqual([]);
		wa.channel.connected = true;
		await outbox.flush(wa.channel);
		expect(wa.sent.map((sent) => sent.text)).toEqual(['survives']);
		expect(outbox.pending()).toEqual([]);
	});

	it('gives a message up after 20 sends that failed while connected, so the chat\'s later replies go out', async () => {
		const {outbox, wa, store, timers, lines} = setup();
		const send = wa.channel.sendMessage;
		wa.channel.sendMessage = async (jid, text) => {
			if (text === 'poison') throw new Error('bad media');
			return send(jid, text);
		};
		await outbox.enqueue('wa:a@g.us', 'poison');
		await outbox.enqueue('wa:a@g.us', 'after it');
		expect(wa.sent).toEqual([]);
		for (let timer = timers.shift(); timer; timer = timers.shift()) {
			timer.fn();
			await settle();
		}
		expect(wa.sent.map((sent) => sent.text)).toEqual(['after it']);
		expect(store.get(1)).toMatchObject({attempts: 20, givenUp: true, lastError: 'whatsapp could not send: bad media (20 failed sends)'});
		expect(lines.filter((line) => line.level === 50).map((line) => line.msg)).toEqual(['outgoing message given up: whatsapp could not send: bad media (20 failed sends)']);
	});

	it('keeps retrying a send that fails while connected, backing off up to a minute', async () => {
		const {outbox, wa, store, timers} = setup();
		const send = wa.channel.sendMessage;
		let failures = 0;
		wa.channel.sendMessage = async (jid, text) => {
			if (failures++ < 9) throw new Error('Timed Out');
			return send(jid, text);
		};
		await outbox.enqueue('wa:a@g.us', 'stubborn');
		const delays: number[] = [];
		for (let timer = timers.shift(); timer && wa.sent.length === 0; timer = timers.shift()) {
			delays.push(timer.ms);
			timer.fn();
			await settle();
		}
		expect(wa.sent.map((sent) => sent.text)).toEqual(['stubborn']);
		expect(delays).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
		expect(store.get(1)).toMatchObject({attempts: 10, givenUp: false});
		expect(store.get(1)?.sentAt).not.toBeNull();
	});

	it('gives a message up only on a permanent error, logs the reason, and lets the chat move on', async () => {
		const {outbox, wa, store, lines} = setup();
		const send = wa.channel.sendMessage;
		wa.channel.sendMessage = async (jid, text) => {
			if (text === 'to nowhere') throw new UndeliverableError('the chat does not exist');
			return send(jid, text);
		};
		expect(await outbox.enqueue('wa:gone@g.us', 'to nowhere')).toEqual({
			id: 1,
			status: 'failed',
			reason: 'given up: whatsapp cannot deliver it: the chat does not exist',
		});
		expect(store.givenUp()).toEqual([expect.objectContaining({text: 'to nowhere', givenUp: true})]);
		expect(lines.find((line) => line.level === 50)?.msg).toBe('outgoing message given up: whatsapp cannot deliver it: the chat does not exist');
		expect(await outbox.enqueue('wa:gone@g.us', 'next')).toEqual({id: 2, status: 'sent'});
		await outbox.flush(wa.channel);
		expect(wa.sent.map((sent) => sent.text)).toEqual(['next']);
	});

	it('gives up a chat no channel can reach, and queues one whose channel is off in this mode', async () => {
		const {store} = setup();
		const {logger, lines} = capturedLogger();
		const reachable = (jid: string) => jid.startsWith('wa:') || jid.startsWith('local:');
		const onlyLocal = new Outbox({store, channels: () => [recordingChannel('local', 'local:').channel], reachable, logger});
		expect(await onlyLocal.enqueue('sms:+100', 'hi')).toEqual({id: 1, status: 'failed', reason: 'no channel can reach chat sms:+100: it is neither a local chat nor a WhatsApp chat'});
		expect(await onlyLocal.enqueue('wa:a@g.us', 'later')).toEqual({id: 2, status: 'queued', reason: 'no channel for chat wa:a@g.us runs in this mode'});
		expect(store.pending().map((message) => message.text)).toEqual(['later']);
		expect(store.givenUp().map((message) => message.text)).toEqual(['hi']);
		expect(lines.map((line) => line.msg)).toEqual([expect.stringMatching(/^outgoing message given up: no channel can reach chat sms:\+100/)]);
	});
});
