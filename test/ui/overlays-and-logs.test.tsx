import {afterEach, describe, expect, it} from 'vitest';
import type {StoredMessage} from '../../src/api/types.js';
import {baseSnapshot, FakeHost} from '../support/fake-host.js';
import {renderApp, waitFor, type RenderedApp} from './render-app.js';

let app: RenderedApp | undefined;
afterEach(() => app?.unmount());

function message(overrides: Partial<StoredMessage>): StoredMessage {
	return {
		id: `m-${Math.random()}`,
		seq: 1,
		chatJid: 'local:main',
		sender: 'operator',
		senderName: 'Operator',
		content: '',
		timestamp: new Date().toISOString(),
		fromMe: false,
		isBotMessage: false,
		...overrides,
	};
}

describe('chat overlay', () => {
	it('sends typed text with sendLocalMessage and streams the answer as deltas arrive', async () => {
		const host = new FakeHost();
		app = renderApp(host);
		await app.waitForText('FOLDER');
		await app.typeAndWait('c', 'Chat with main');
		app.type('what is 2+2?\r');
		await waitFor(() => host.callsOf('sendLocalMessage').length === 1);
		expect(host.callsOf('sendLocalMessage')).toEqual([['main', 'what is 2+2?']]);
		host.emit('message', {message: message({seq: 1, content: 'what is 2+2?'}), groupFolder: 'main'});
		await app.waitForText('You: what is 2+2?');
		host.emit('delta', {groupFolder: 'main', chatJid: 'local:main', text: 'It is '});
		await app.waitForText('Baby: It is …');
		host.emit('delta', {groupFolder: 'main', chatJid: 'local:main', text: 'four'});
		await app.waitForText('Baby: It is four…');
		host.emit('message', {message: message({seq: 2, sender: 'assistant', senderName: 'Baby', content: 'It is four.', isBotMessage: true, fromMe: true}), groupFolder: 'main'});
		host.emit('reply', {groupFolder: 'main', chatJid: 'local:main', text: 'It is four.'});
		await app.waitForText('Baby: It is four.');
		expect(app.frame()).not.toContain('four…');
		await app.typeAndWait('\u001b', 'FOLDER');
	});

	it('shows a failed turn as an error line', async () => {
		const host = new FakeHost();
		app = renderApp(host);
		await app.waitForText('FOLDER');
		await app.typeAndWait('c', 'Chat with main');
		host.emit('turn', {groupFolder: 'main', chatJid: 'local:main', ok: false, error: 'Ollama is not reachable at http://127.0.0.1:11434'});
		await app.waitForText('error: Ollama is not reachable');
	});
});

describe('pairing overlay', () => {
	it('draws the QR with a countdown and asks for a phone number for a pairing code', async () => {
		const snapshot = baseSnapshot();
		snapshot.whatsapp = {status: 'pairing', qr: '2@abcdefghijklmnop', qrExpiresAt: Date.now() + 20_000};
		const host = new FakeHost(snapshot);
		app = renderApp(host, {size: {columns: 100, rows: 50}});
		await app.waitForText('FOLDER');
		await app.typeAndWait('p', 'WhatsApp pairing');
		await waitFor(() => /expires in 1\ds/.test(app!.frame()), () => app!.frame());
		expect(app.frame()).toMatch(/[█▀▄]{10}/);
		app.type('4915112345678\r');
		await waitFor(() => host.callsOf('startPairing').length === 1);
		expect(host.callsOf('startPairing')).toEqual([[{phone: '4915112345678'}]]);
		host.update('whatsapp', {status: 'pairing', pairingCode: 'ABCD-1234'});
		await app.waitForText('Pairing code: ABCD-1234');
	});

	it('refuses letters in the phone field', async () => {
		app = renderApp(new FakeHost());
		await app.waitForText('FOLDER');
		await app.typeAndWait('p', 'phone:');
		await app.typeAndWait('x', 'a phone number is digits only');
	});
});

describe('logs pane', () => {
	const fill = (host: FakeHost, count: number, from = 0) => {
		for (let i = from; i < from + count; i++) host.logs.push({time: Date.now(), level: i % 10 === 0 ? 'error' : 'info', msg: `line ${i}`, fields: i % 7 === 0 ? 'group=family' : ''});
	};

	it('f pauses the tail with an "N new lines" hint and follows again', async () => {
		const host = new FakeHost();
		fill(host, 50);
		app = renderApp(host, {pane: 'logs'});
		await app.waitForText('line 49');
		await app.typeAndWait('f', 'paused (f to follow)');
		fill(host, 5, 50);
		await app.waitForText('paused · 5 new lines');
		expect(app.frame()).not.toContain('line 54');
		await app.typeAndWait('f', 'line 54');
		expect(app.frame()).toContain('following');
	});

	it('"N new lines" counts the lines since the pause under the level and filter set now', async () => {
		const host = new FakeHost();
		fill(host, 50);
		app = renderApp(host, {pane: 'logs'});
		await app.waitForText('line 49');
		await app.typeAndWait('f', 'paused (f to follow)');
		// 20 new lines: errors at 50 and 60, group=family at 56 and 63.
		fill(host, 20, 50);
		await app.waitForText('paused · 20 new lines');
		app.type('llll');
		await app.waitForText('level ≥ error');
		await app.waitForText('paused · 2 new lines');
		app.type('l');
		await app.waitForText('paused · 20 new lines');
		app.type('/family\r');
		await app.waitForText('"family"');
		await app.waitForText('paused · 2 new lines');
		app.type('\u001b');
		await app.waitForText('paused · 20 new lines');
	});

	it('"N new lines" after a pause under a level filter counts every new line once the filter is gone', async () => {
		const host = new FakeHost();
		fill(host, 50);
		app = renderApp(host, {pane: 'logs'});
		await app.waitForText('line 49');
		app.type('llll');
		await app.waitForText('level ≥ error');
		await app.typeAndWait('f', 'paused (f to follow)');
		fill(host, 20, 50);
		await app.waitForText('paused · 2 new lines');
		app.type('l');
		await app.waitForText('LOG 70 lines');
		await app.waitForText('paused · 20 new lines');
	});

	it('scrolling up pauses; g goes to the top, G follows the tail', async () => {
		const host = new FakeHost();
		fill(host, 200);
		app = renderApp(host, {pane: 'logs'});
		await app.waitForText('line 199');
		app.type('g');
		await app.waitForMatch(/INFO  line 1$/m);
		expect(app.frame()).toContain('paused');
		app.type('jjj');
		await app.waitForMatch(/LOG 200 lines.*\n.*line 3$/m);
		expect(app.frame()).not.toMatch(/line 2$/m);
		await app.typeAndWait('G', 'line 199');
		expect(app.frame()).toContain('following');
	});

	it('l raises the minimum level and / filters on text', async () => {
		const host = new FakeHost();
		fill(host, 100);
		app = renderApp(host, {pane: 'logs'});
		await app.waitForText('line 99');
		app.type('llll');
		await app.waitForText('level ≥ error');
		expect(app.frame()).toContain('LOG 10 lines');
		expect(app.frame()).toContain('line 90');
		expect(app.frame()).not.toContain('line 99');
		app.type('l');
		await app.waitForText('LOG 100 lines');
		app.type('/family\r');
		await app.waitForText('"family"');
		expect(app.frame()).toContain('LOG 15 lines');
		fill(host, 7, 100);
		await app.waitForText('LOG 16 lines');
	});
});
