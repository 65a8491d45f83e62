// The keymap is the one source of keys: rebinding an action in the table changes what the key does and
// every text that names it (pane hints, dialogs, overlays, notices). This file rebinds keys in its own
// module instance (vitest isolates test files), so the other UI tests see the stock table.
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {keymap, type ActionName} from '../../src/ui/keymap.js';
import {baseSnapshot, FakeHost} from '../support/fake-host.js';
import {renderApp, waitFor, type RenderedApp} from './render-app.js';

let app: RenderedApp | undefined;
afterEach(() => app?.unmount());

let ticks = 0;
/** Resolves once every key typed before it has been handled (a host notice drawn after them). */
async function settled(rendered: RenderedApp, host: FakeHost): Promise<void> {
	const text = `tick ${++ticks}`;
	host.emit('notice', {level: 'info', text});
	await rendered.waitForText(text);
}

function rebind(action: ActionName, keys: string[]): void {
	const binding = keymap.find((candidate) => candidate.action === action);
	if (!binding) throw new Error(`no binding for ${action}`);
	binding.keys = keys;
}

beforeAll(() => {
	rebind('logs.follow', ['F']);
	rebind('approve.rw', ['W']);
	rebind('approve.rw.all', ['Z']);
	rebind('group.register', ['R']);
	rebind('overlay.close', ['x', 'escape']);
	rebind('text.submit', ['tab']);
	rebind('confirm.yes', ['o']);
	rebind('cursor.down', ['J', 'down']);
});

describe('the keymap is the one source of keys', () => {
	it('the Logs pane follows on the rebound key and says so in its hint and the status bar', async () => {
		const host = new FakeHost();
		for (let i = 0; i < 20; i++) host.logs.push({time: Date.now(), level: 'info', msg: `line ${i}`, fields: ''});
		app = renderApp(host, {pane: 'logs'});
		await app.waitForText('F follow');
		app.type('f');
		await app.typeAndWait('F', 'paused (F to follow)');
		await app.typeAndWait('F', 'following');
	});

	it('the approve dialog and the request details name the rebound keys, and the key approves', async () => {
		const snapshot = baseSnapshot();
		snapshot.mounts.requests = [{id: 9, groupFolder: 'main', hostPath: '/srv/photos', realPath: '/srv/photos', containerPath: null, readonly: true, source: 'ipc', reason: null, status: 'pending', createdAt: '2026-01-01T00:00:00Z'}];
		const host = new FakeHost(snapshot);
		app = renderApp(host, {pane: 'access'});
		await app.waitForText('/srv/photos');
		await app.typeAndWait('\r', 'a approve (r read-only / W read-write for this group, R / Z for all groups)');
		expect(app.frame()).toContain('(x/Esc to close, J/k to scroll)');
		await app.typeAndWait('x', 'PENDING');
		await app.typeAndWait('a', 'W read-write');
		app.type('w');
		await settled(app, host);
		expect(app.frame()).toContain('W read-write');
		expect(host.callsOf('approveMount')).toEqual([]);
		app.type('W');
		await waitFor(() => host.callsOf('approveMount').length === 1);
		expect(host.callsOf('approveMount')).toEqual([[9, 'rw', 'group']]);
	});

	it('the chat overlay, the notices and the confirm dialog use the rebound keys', async () => {
		const snapshot = baseSnapshot();
		snapshot.chats = [{jid: 'work@g.us', name: 'Work', channel: 'whatsapp', lastMessageAt: null, isGroup: true}];
		const host = new FakeHost(snapshot);
		app = renderApp(host);
		await app.waitForText('Work');
		await app.typeAndWait('c', 'Chat with main (Tab send · Esc close)');
		app.type('hi\t');
		await waitFor(() => host.callsOf('sendLocalMessage').length === 1);
		await app.typeAndWait('\u001b', 'FOLDER');
		app.type('J');
		await app.typeAndWait('c', 'this chat is not registered: press R to register it first');
		app.type('k');
		await app.typeAndWait('d', 'o yes · n / N / Esc no');
		app.type('y');
		await settled(app, host);
		expect(app.frame()).toContain('o yes');
		expect(host.callsOf('unregisterGroup')).toEqual([]);
		app.type('o');
		await waitFor(() => host.callsOf('unregisterGroup').length === 1);
	});
});
