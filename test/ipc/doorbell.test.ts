// Lost events: the kernel drops file events when its queue overflows, and Node does not say so.
// A storm of events in one group makes the watcher list every group again, main first.
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {WatchDir} from '../../src/ipc/doorbell.js';
import {IpcDoorbell} from '../../src/ipc/doorbell.js';
import type {IpcWatcher} from '../../src/ipc/ipc-watcher.js';
import {tempHome} from '../support/temp-home.js';
import {makeIpcHost} from './harness.js';

/** A watch that delivers nothing by itself; the test fires events by hand (or never: a lost event). */
function manualWatch() {
	const listeners = new Map<string, () => void>();
	const watch: WatchDir = (dir, onEvent) => {
		listeners.set(dir, onEvent);
		return {close: () => listeners.delete(dir)};
	};
	const fire = (dir: string, times = 1) => {
		for (let i = 0; i < times; i++) listeners.get(dir)?.();
	};
	return {watch, fire};
}

let watcher: IpcWatcher | undefined;
afterEach(async () => {
	await watcher?.stop();
	watcher = undefined;
});

describe('IPC doorbell', () => {
	it('counts a burst of events as a storm, once per window, and once more after it', async () => {
		let now = 0;
		const storms: number[] = [];
		const {watch, fire} = manualWatch();
		const bell = new IpcDoorbell({onRing: () => {}, onStorm: () => storms.push(now), onError: () => {}, watch, stormEvents: 100, stormWindowMs: 20, now: () => now});
		bell.watchGroup('family', ['/x/messages']);
		fire('/x/messages', 99);
		await new Promise((resolve) => setTimeout(resolve, 40));
		expect(storms).toEqual([]);
		fire('/x/messages', 500);
		now = 5;
		fire('/x/messages', 500);
		await new Promise((resolve) => setTimeout(resolve, 40));
		expect(storms).toHaveLength(1);
		bell.close();
	});

	it("finds main's request whose event was lost, when another group's flood makes a storm", async () => {
		const host = makeIpcHost(tempHome().home);
		const {watch, fire} = manualWatch();
		watcher = host.makeWatcher({watch});
		await watcher.start();
		// main's file arrives, but its event is lost (never fired).
		host.drop('main', 'messages', '1.json', {type: 'message', chatJid: 'local:main', text: 'lost event'});
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(host.outcomes).toEqual([]);
		// family renames a file back and forth: thousands of events on its folder.
		const familyMessages = path.join(host.paths.ipcDir, 'family', 'messages');
		fs.writeFileSync(path.join(familyMessages, '.tmp-a'), '');
		fire(familyMessages, 5000);
		await host.handled(1);
		expect(host.outcomes.map((outcome) => [outcome.folder, outcome.name, outcome.ok])).toEqual([['main', '1.json', true]]);
		expect(host.local.sent).toEqual([{jid: 'local:main', text: 'lost event'}]);
	});
});
