import {afterEach, describe, expect, it, vi} from 'vitest';

// Chalk decides its color level when it loads: force colors before Ink is imported.
vi.hoisted(() => {
	process.env.FORCE_COLOR = '1';
});

const {baseSnapshot, FakeHost, run} = await import('../support/fake-host.js');
const {renderApp} = await import('./render-app.js');

const red = '\u001b[31m';
let app: ReturnType<typeof renderApp> | undefined;
afterEach(() => app?.unmount());

describe('colors', () => {
	it('shows UNSANDBOXED in red for the none runtime', async () => {
		const snapshot = baseSnapshot();
		snapshot.runtime = {name: 'none', sandboxed: false};
		app = renderApp(new FakeHost(snapshot));
		await app.waitForText('UNSANDBOXED');
		const raw = app.rawFrame();
		const at = raw.indexOf('UNSANDBOXED');
		expect(raw.slice(Math.max(0, at - 20), at)).toContain(red);
	});

	it('does not show UNSANDBOXED for a sandboxed runtime', async () => {
		app = renderApp(new FakeHost());
		await app.waitForText('docker');
		expect(app.frame()).not.toContain('UNSANDBOXED');
	});

	it('draws a failed sandbox check red in the Groups pane, like UNSANDBOXED, and a passed one green', async () => {
		const snapshot = baseSnapshot();
		snapshot.groups.push({...snapshot.groups[0], jid: 'fam@g.us', name: 'Family', folder: 'family', isMain: false});
		snapshot.sandboxChecks = {
			main: {state: 'ok', lines: ['ok   user: not root'], checkedAt: '2026-01-01T00:00:00.000Z'},
			family: {state: 'failed', lines: ['FAIL user: runs as root'], reason: 'user: runs as root', checkedAt: '2026-01-01T00:00:00.000Z'},
		};
		app = renderApp(new FakeHost(snapshot));
		await app.waitForText('FAIL');
		const lines = app.rawFrame().split('\n');
		const family = lines.find((line) => line.includes('fam@g.us'))!;
		expect(family.slice(family.indexOf('FAIL') - 10, family.indexOf('FAIL'))).toContain(red);
		const main = lines.find((line) => line.includes('local:main'))!;
		expect(main).toContain('\u001b[32mok');
		expect(main).not.toContain(red);
		const status = lines.find((line) => line.includes('sandbox check FAILED'))!;
		expect(status).toContain('docker (sandbox check FAILED for 1 group)');
		expect(status).toContain(red);
	});

	it('shows a host error notice in red in the status bar', async () => {
		const host = new FakeHost();
		app = renderApp(host);
		await app.waitForText('? help');
		host.emit('notice', {level: 'error', text: 'WhatsApp logged out'});
		await app.waitForText('WhatsApp logged out');
		const line = app.rawFrame().split('\n').find((candidate) => candidate.includes('WhatsApp logged out'));
		expect(line).toContain(red);
	});

	it('draws a run past its hard limit in red', async () => {
		const snapshot = baseSnapshot();
		const old = new Date(Date.now() - 3 * 3_600_000).toISOString();
		snapshot.runs = [run({containerName: 'babybot-hung', startedAt: old, lastOutputAt: old}), run({id: 'r2', containerName: 'babybot-fresh'})];
		app = renderApp(new FakeHost(snapshot), {pane: 'containers'});
		await app.waitForText('babybot-hung');
		const lines = app.rawFrame().split('\n');
		expect(lines.find((line) => line.includes('babybot-hung'))).toContain(red);
		expect(lines.find((line) => line.includes('babybot-fresh'))).not.toContain(red);
	});
});
