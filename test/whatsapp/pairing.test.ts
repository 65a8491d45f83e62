import {describe, expect, it} from 'vitest';
import {whatsappLabel} from '../../src/ui/components/status-bar.js';
import {settle} from './fake-clock.js';
import {fetchedVersion, makeChannel, selfPhone} from './harness.js';

describe('WhatsApp pairing', () => {
	it('waits, not paired, without credentials until pairing is asked for', async () => {
		const h = makeChannel();
		await h.channel.connect();
		expect(h.factory.sockets).toHaveLength(0);
		expect(h.channel.currentState()).toEqual({status: 'not-paired'});
		expect(whatsappLabel(h.channel.currentState())).toBe('not paired — press p to pair');
	});

	it('pairs by QR: rotating codes with their expiry, the 515 restart reconnects at once, then paired', async () => {
		const h = makeChannel();
		await h.channel.startPairing();
		expect(h.factory.sockets).toHaveLength(1);
		expect(h.factory.current.options.version).toEqual(fetchedVersion);
		expect(h.factory.current.options.authDir).toBe(h.authDir);

		const start = h.clock.now();
		h.factory.current.qr('2@first-ref');
		await settle();
		expect(h.lastState()).toEqual({status: 'pairing', qr: '2@first-ref', qrExpiresAt: start + 60_000});
		await h.clock.advance(60_000);
		h.factory.current.qr('2@second-ref');
		await settle();
		expect(h.lastState()).toEqual({status: 'pairing', qr: '2@second-ref', qrExpiresAt: start + 60_000 + 20_000});

		// The phone scanned: Baileys saves the creds and WhatsApp asks for a restart.
		const first = h.factory.current;
		first.emit('connection.update', {isNewLogin: true, qr: undefined});
		first.close(515);
		await settle();
		expect(h.factory.sockets).toHaveLength(2);
		expect(first.ended).toBe(true);
		expect(h.clock.pending()).toBe(0);
		expect(h.states.some((state) => state.status === 'reconnecting')).toBe(false);

		h.factory.current.open();
		await settle();
		expect(h.lastState()).toEqual({status: 'paired', user: `+${selfPhone}`});
		expect(h.channel.isConnected()).toBe(true);
		expect(h.connections).toEqual([true]);
		expect(h.channel.selfJid()).toBe(`${selfPhone}@s.whatsapp.net`);
	});

	it('pairs by code: asks once per socket with the digits, shows the code instead of the QR', async () => {
		const h = makeChannel();
		await h.channel.startPairing({phone: '+49 151 234-56789'});
		h.factory.current.qr('2@ref-one');
		h.factory.current.qr('2@ref-two');
		await settle();
		expect(h.factory.current.pairingRequests).toEqual(['4915123456789']);
		expect(h.lastState()).toEqual({status: 'pairing', pairingCode: 'ABCD-2345'});
		expect(h.states.some((state) => state.status === 'pairing' && state.qr)).toBe(false);

		h.factory.current.close(515);
		await settle();
		h.factory.current.open();
		await settle();
		expect(h.lastState()).toMatchObject({status: 'paired'});
		expect(h.factory.sockets[1].pairingRequests).toEqual([]);
	});

	it.each(['abc', '12', '+49 151 abc', '1234567890123456'])('refuses the phone "%s" with a one-line error and opens nothing', async (phone) => {
		const h = makeChannel();
		const error = await h.channel.startPairing({phone}).catch((caught: Error) => caught);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/country code first/);
		expect((error as Error).message).not.toContain('\n');
		expect(h.factory.sockets).toHaveLength(0);
	});

	it('says so when the pairing code request fails', async () => {
		const h = makeChannel();
		await h.channel.startPairing({phone: '4915123456789'});
		h.factory.current.requestPairingCode = async () => {
			throw new Error('Connection Closed');
		};
		h.factory.current.qr('2@ref');
		await settle();
		expect(h.lastState()).toMatchObject({status: 'stopped', cause: 'pairing-code-failed', reason: expect.stringMatching(/could not get a pairing code/)});
		expect(h.factory.live()).toHaveLength(0);
		await h.clock.advance(24 * 60 * 60_000);
		expect(h.factory.sockets).toHaveLength(1);
	});

	it('falls back to the bundled WhatsApp Web version when the fetch fails (offline)', async () => {
		const h = makeChannel({
			fetchVersion: async () => {
				throw new Error('getaddrinfo ENOTFOUND');
			},
		});
		await h.channel.startPairing();
		expect(h.factory.sockets).toHaveLength(1);
		expect(h.factory.current.options.version).toBeUndefined();
	});

	it('stops after two rounds of unscanned QR codes (Baileys ends each with 408) and says to try again', async () => {
		const h = makeChannel();
		await h.channel.startPairing();
		// A close before any QR (the network is down) is no unscanned round.
		h.factory.current.close(428);
		await settle();
		await h.clock.advance(2_000);
		for (const round of [1, 2]) {
			h.factory.current.qr(`2@round-${round}-a`);
			h.factory.current.qr(`2@round-${round}-b`);
			await settle();
			h.factory.current.close(408);
			await settle();
			if (round === 1) {
				expect(h.lastState()).toMatchObject({status: 'reconnecting'});
				await h.clock.advance(10_000);
			}
		}
		expect(h.lastState()).toMatchObject({status: 'stopped', cause: 'pairing-timed-out', reason: expect.stringMatching(/^pairing timed out: .*start pairing again/)});
		expect(h.factory.sockets).toHaveLength(3);
		await h.clock.advance(24 * 60 * 60_000);
		expect(h.factory.sockets).toHaveLength(3);
		expect(h.factory.live()).toHaveLength(0);

		// Pairing again starts a fresh count, and a scan (515, then open) pairs.
		await h.channel.startPairing();
		h.factory.current.qr('2@again');
		await settle();
		h.factory.current.close(515);
		await settle();
		h.factory.current.open();
		await settle();
		expect(h.lastState()).toMatchObject({status: 'paired'});
	});

	it('a pairing code nobody types times out the same way', async () => {
		const h = makeChannel();
		await h.channel.startPairing({phone: '4915123456789'});
		for (const round of [1, 2]) {
			h.factory.current.qr(`2@ref-${round}`);
			await settle();
			h.factory.current.close(408);
			await settle();
			if (round === 1) await h.clock.advance(10_000);
		}
		expect(h.factory.sockets.map((socket) => socket.pairingRequests.length)).toEqual([1, 1]);
		expect(h.lastState()).toMatchObject({status: 'stopped', cause: 'pairing-timed-out'});
	});

	it('refuses to pair again while connected', async () => {
		const h = makeChannel();
		await h.channel.startPairing();
		h.factory.current.open();
		await settle();
		await expect(h.channel.startPairing()).rejects.toThrow(/already paired as \+4915123456789/);
		expect(h.factory.sockets).toHaveLength(1);
	});
});
