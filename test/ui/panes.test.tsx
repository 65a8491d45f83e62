import {afterEach, describe, expect, it} from 'vitest';
import {baseSnapshot, FakeHost, group, run, task} from '../support/fake-host.js';
import {renderApp, type RenderedApp} from './render-app.js';

let app: RenderedApp | undefined;
afterEach(() => app?.unmount());

function hostWith(change: (snapshot: ReturnType<typeof baseSnapshot>) => void): FakeHost {
	const snapshot = baseSnapshot();
	change(snapshot);
	return new FakeHost(snapshot);
}

describe('panes render their data', () => {
	it('Groups lists registered groups and unregistered chats', async () => {
		const host = hostWith((s) => {
			s.groups.push(group({jid: 'fam@g.us', name: 'Family', folder: 'family', isMain: false, requiresTrigger: true}));
			s.chats.push({jid: 'work@g.us', name: 'Work chat', channel: 'whatsapp', lastMessageAt: new Date().toISOString(), isGroup: true});
		});
		app = renderApp(host);
		await app.waitForText('Family');
		const frame = app.frame();
		expect(frame).toContain('@Baby');
		expect(frame).toMatch(/Work chat\s+\(not registered\)/);
		for (const name of ['Groups', 'Containers', 'Logs', 'Tasks', 'Access', 'Skills']) expect(frame).toContain(name);
	});

	it("Groups shows the operator's WhatsApp self-chat as main's, not as a chat to register", async () => {
		const host = hostWith((s) => {
			s.selfChatJid = '4915112345678@s.whatsapp.net';
			s.chats.push({jid: '4915112345678@s.whatsapp.net', name: 'Me', channel: 'whatsapp', lastMessageAt: new Date().toISOString(), isGroup: false});
			s.chats.push({jid: 'work@g.us', name: 'Work chat', channel: 'whatsapp', lastMessageAt: null, isGroup: true});
		});
		app = renderApp(host, {size: {columns: 112, rows: 30}});
		await app.waitForText('Work chat');
		const frame = app.frame();
		expect(frame).toMatch(/your WhatsApp self-chat\s+main\s+main\s+4915112345678@s\.whatsapp\.net/);
		expect(frame).not.toMatch(/Me\s+\(not registered\)/);
		expect(frame).toMatch(/Work chat\s+\(not registered\)/);
		app.type('j');
		await app.typeAndWait('n', 'your WhatsApp self-chat already counts as input to main');
		await app.typeAndWait('c', 'Chat with main');
	});

	it("Groups shows each group's sandbox check, and the details view lists its lines", async () => {
		const host = hostWith((s) => {
			s.groups.push(group({jid: 'fam@g.us', name: 'Family', folder: 'family', isMain: false}), group({jid: 'new@g.us', name: 'Newcomer', folder: 'newcomer', isMain: false}));
			s.sandboxChecks = {
				main: {state: 'ok', lines: ['ok   user: not root (uid 1000, gid 1000)', 'ok   capabilities: no capabilities (CapEff, CapPrm, CapBnd all zero)'], checkedAt: '2026-01-01T00:00:00.000Z'},
				family: {state: 'failed', lines: ['ok   user: not root (uid 1000, gid 1000)', 'FAIL capabilities: capabilities held: CapBnd 00000000a80425fb'], reason: 'capabilities: capabilities held: CapBnd 00000000a80425fb', checkedAt: '2026-01-01T00:00:00.000Z'},
				newcomer: {state: 'checking', lines: []},
			};
		});
		app = renderApp(host);
		await app.waitForText('Newcomer');
		const frame = app.frame();
		expect(frame).toMatch(/SANDBOX/);
		expect(frame).toMatch(/local:main\s+ok\s/);
		expect(frame).toMatch(/Family .*FAIL/);
		expect(frame).toMatch(/Newcomer .*checking…/);
		app.type('j');
		await app.typeAndWait('\r', 'Group Family');
		expect(app.frame()).toContain('sandbox check: FAIL (docker, 2026-01-01T00:00:00.000Z)');
		expect(app.frame()).toContain('FAIL capabilities: capabilities held: CapBnd 00000000a80425fb');
	});

	it('Containers shows live and ended runs and marks runs past their limits', async () => {
		const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
		const host = hostWith((s) => {
			s.runs = [
				run({id: 'r1', containerName: 'babybot-main-a'}),
				run({id: 'r2', containerName: 'babybot-hung-b', groupFolder: 'hung', startedAt: twoHoursAgo, lastOutputAt: twoHoursAgo}),
				run({id: 'r3', containerName: 'babybot-quiet-c', startedAt: new Date(Date.now() - 40 * 60_000).toISOString(), lastOutputAt: new Date(Date.now() - 35 * 60_000).toISOString()}),
				run({id: 'r4', containerName: 'babybot-old-d', state: 'ended', endReason: 'idle', endedAt: new Date().toISOString()}),
			];
		});
		app = renderApp(host, {pane: 'containers'});
		await app.waitForText('babybot-main-a');
		const frame = app.frame();
		expect(frame).toMatch(/babybot-hung-b.*OVER HARD LIMIT/);
		expect(frame).toMatch(/babybot-quiet-c.*OVER IDLE LIMIT/);
		expect(frame).toMatch(/babybot-main-a.*running/);
		expect(frame).toMatch(/babybot-old-d.*ended \(idle\)/);
		expect(frame).toContain('3 live');
	});

	it('Tasks shows schedule, countdown, status and last result', async () => {
		const host = hostWith((s) => {
			s.tasks = [task({lastResult: 'watered'}), task({id: 'task-2', status: 'paused', prompt: 'backup', scheduleType: 'interval', scheduleValue: '3600000'})];
		});
		app = renderApp(host, {pane: 'tasks'});
		await app.waitForText('water the plants');
		const frame = app.frame();
		expect(frame).toMatch(/cron 0 9 \* \* \*\s+active\s+in (59m|1h)/);
		expect(frame).toContain('watered');
		expect(frame).toMatch(/backup/);
		expect(frame).toMatch(/paused\s+-/);
	});

	it('Tasks shows the next three run times of the selected task, in the schedule\'s time zone, and its misfire policy', async () => {
		const host = hostWith((s) => {
			s.timezone = 'Europe/Berlin';
			s.tasks = [
				task({upcoming: ['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']}),
				task({id: 'task-2', prompt: 'backup', misfire: 'catch-up', status: 'paused', upcoming: ['2026-03-28T10:00:00.000Z']}),
			];
		});
		app = renderApp(host, {pane: 'tasks'});
		await app.waitForText('water the plants');
		expect(app.frame()).toContain('next runs (Europe/Berlin): Sat 28 Mar 09:00 · Sun 29 Mar 09:00 · Mon 30 Mar 09:00');
		expect(app.frame()).toContain('missed runs: once, run once now for all that were missed (m to change)');
		expect(app.frame()).toMatch(/paused\s+-\s+catch-up\s+backup/);
		await app.typeAndWait('j', 'next runs (Europe/Berlin, once resumed): Sat 28 Mar 11:00');
		expect(app.frame()).toContain('missed runs: catch-up, run each missed occurrence (at most the last 10)');
	});

	it('Access shows mounts and web hosts side by side: pending requests of both first, then what is allowed', async () => {
		const host = hostWith((s) => {
			s.mounts.allowedRoots = [{path: '/home/me/projects', allowReadWrite: false}];
			s.mounts.requests = [
				{id: 7, groupFolder: 'family', hostPath: '/home/me/photos', realPath: '/home/me/photos', containerPath: null, readonly: true, source: 'ipc', reason: 'not under an allowed root', status: 'pending', createdAt: '2026-01-01T00:00:00Z'},
			];
			s.web = {
				allowedHosts: [
					{host: '*.wikipedia.org', http: false, internal: false},
					{host: 'nas.lan', group: 'main', http: true, internal: true, description: 'the NAS'},
				],
				internalHosts: ['nas.lan', 'printer.lan'],
				requests: [
					{id: 2, groupFolder: 'main', url: 'https://news.test/today', host: 'news.test', reason: 'not allowed', status: 'pending', scope: null, createdAt: '2026-01-01T00:00:00Z', decidedAt: null, decidedBy: null},
					{id: 1, groupFolder: 'main', url: 'https://old.test/', host: 'old.test', reason: 'not allowed', status: 'rejected', scope: null, createdAt: '2026-01-01T00:00:00Z', decidedAt: '2026-01-01T00:01:00Z', decidedBy: 'operator'},
				],
			};
		});
		app = renderApp(host, {pane: 'access', size: {columns: 120, rows: 30}});
		await app.waitForText('news.test');
		const rows = app.frame().split('\n').filter((line) => /PENDING|root|blocked|host|internal/.test(line));
		expect(rows[0]).toMatch(/PENDING\s+\/home\/me\/photos\s+ro\s+family: not under an allowed/);
		expect(rows[1]).toMatch(/PENDING\s+https:\/\/news\.test\/today\s+https\s+main: web_fetch of news\.test/);
		expect(app.frame()).toMatch(/host\s+\*\.wikipedia\.org\s+https\s+all groups/);
		expect(app.frame()).toMatch(/host\s+nas\.lan\s+http\(s\)\s+main · internal · the NAS/);
		expect(app.frame()).toMatch(/internal\s+printer\.lan\s+web\s+may be private; no group allowed yet/);
		expect(app.frame()).not.toContain('old.test');
		expect(app.frame()).toContain('1 mounts pending · 1 hosts pending');
	});

	it('Mounts shows roots, blocked patterns and pending requests', async () => {
		const host = hostWith((s) => {
			s.mounts.allowedRoots = [{path: '/home/me/projects', allowReadWrite: true, description: 'code'}];
			s.mounts.requests = [
				{id: 7, groupFolder: 'family', hostPath: '/home/me/photos', realPath: '/home/me/photos', containerPath: null, readonly: true, source: 'ipc', reason: 'not under an allowed root', status: 'pending', createdAt: '2026-01-01T00:00:00Z'},
			];
		});
		app = renderApp(host, {pane: 'access'});
		await app.waitForText('/home/me/photos');
		const frame = app.frame();
		expect(frame).toMatch(/PENDING\s+\/home\/me\/photos\s+ro\s+family: not under an allowed/);
		expect(frame).toMatch(/root\s+\/home\/me\/projects\s+rw\s+code/);
		expect(frame).toMatch(/blocked\s+\.ssh/);
		expect(frame).toContain('1 mounts pending');
	});

	it('Skills lists skills with the broken ones marked', async () => {
		const host = hostWith((s) => {
			s.skills = [
				{name: 'summarize', description: 'Summarize the chat', source: 'builtin', dir: '/x'},
				{name: 'weird', description: '', source: 'user', dir: '/y', broken: 'SKILL.md has no front matter'},
			];
		});
		app = renderApp(host, {pane: 'skills'});
		await app.waitForText('summarize');
		expect(app.frame()).toMatch(/weird\s+user\s+BROKEN: SKILL.md has no front matter/);
	});

	it('Logs tails the log store', async () => {
		const host = new FakeHost();
		for (let i = 0; i < 100; i++) host.logs.push({time: Date.now(), level: i % 10 === 0 ? 'warn' : 'info', msg: `line ${i}`, fields: `n=${i}`});
		app = renderApp(host, {pane: 'logs'});
		await app.waitForText('line 99');
		expect(app.frame()).toContain('100 lines · following');
		expect(app.frame()).not.toContain('line 5 ');
		host.logs.push({time: Date.now(), level: 'error', msg: 'line 100', fields: ''});
		await app.waitForText('line 100');
	});

	it('the status bar shows WhatsApp, Ollama, runtime and counts', async () => {
		const host = hostWith((s) => {
			s.whatsapp = {status: 'paired', user: '4915100'};
			s.ollama = {reachable: true, model: 'qwen3:8b', modelPresent: true, toolsSupported: false};
			s.tasks = [task({nextRun: new Date(Date.now() - 1000).toISOString()})];
		});
		app = renderApp(host);
		await app.waitForText('paired 4915100');
		expect(app.frame()).toContain('qwen3:8b no tools');
		expect(app.frame()).toContain('docker');
		expect(app.frame()).toContain('1 tasks due');
		host.update('ollama', {reachable: false, model: 'qwen3:8b', modelPresent: null, toolsSupported: null});
		await app.waitForText('Ollama unreachable');
	});

	it('the status bar shows the model\'s context in use, warns when it is too small, and counts the requests waiting for the model', async () => {
		const host = hostWith((s) => {
			s.ollama = {reachable: true, model: 'qwen3:8b', modelPresent: true, toolsSupported: true, context: {numCtx: 16_384, source: 'auto', modelMax: 40_960, reserveTokens: 2048}};
		});
		app = renderApp(host);
		await app.waitForText('qwen3:8b tools · ctx 16k');
		host.update('ollama', {...host.snapshot().ollama, context: {numCtx: 16_384, source: 'auto', reserveTokens: 2048, lastPromptTokens: 9123}});
		await app.waitForText('ctx 9.1k/16k');
		host.update('ollama', {...host.snapshot().ollama, context: {numCtx: 2048, source: 'auto', reserveTokens: 512, warning: 'model qwen3:8b allows at most 2048 tokens'}});
		await app.waitForText('ctx 2k (too small)');
		host.update('ollama', {...host.snapshot().ollama, queue: {parallel: 1, running: 1, waiting: [{group: 'main', lane: 'subagent'}, {group: 'family', lane: 'chat'}]}});
		await app.waitForText('ctx 2k (too small) · 2 waiting');
	});

	it('shows a clear message below the minimum size and lays out again when resized', async () => {
		app = renderApp(new FakeHost(), {size: {columns: 50, rows: 10}});
		await app.waitForText('Terminal too small (50x10)');
		expect(app.frame().replace(/\s+/g, ' ')).toContain('needs at least 60x15');
		app.rerender({columns: 80, rows: 20});
		await app.waitForText('1 Groups');
		expect(app.frame().split('\n')).toHaveLength(20);
		expect(Math.max(...app.frame().split('\n').map((line) => line.length))).toBeLessThanOrEqual(80);
	});
});
