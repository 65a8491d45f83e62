// Whole flows with the real binary in tmux, the scripted Ollama server and the `none` runtime.
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {binPath, cliEnv, projectRoot} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {TmuxSession} from './tmux-session.js';

const paneNames = ['1 Groups', '2 Containers', '3 Logs', '4 Tasks', '5 Mounts', '6 Skills'];

let ollama: ScriptedOllama | undefined;
let session: TmuxSession | undefined;

beforeEach(async () => {
	ollama = await startScriptedOllama({fallback: () => ({content: 'Hello from the scripted model.'})});
});

afterEach(async () => {
	session?.kill();
	session = undefined;
	await ollama?.close();
	ollama = undefined;
});

function startTui(options: {columns?: number; rows?: number} = {}): TmuxSession {
	const {home, allowlist} = tempHome();
	const env = cliEnv({home, allowlist, ollamaUrl: ollama!.url});
	session = TmuxSession.start({command: [process.execPath, binPath], env, cwd: projectRoot, ...options});
	return session;
}

describe('babybot-tui in a terminal', () => {
	it('draws all six panes and the status bar at start-up', async () => {
		const tui = startTui();
		const screen = await tui.waitFor('all six panes', (text) => paneNames.every((name) => text.includes(name)));
		expect(screen).toContain('UNSANDBOXED');
		expect(screen).toMatch(/main\s+main\s+local:main/);
		expect(tui.terminalState().alternateScreen).toBe(true);
		await tui.waitForText('Ollama qwen3');
	});

	it('? shows the help with every key, including q quit; Esc closes it', async () => {
		const tui = startTui({columns: 140, rows: 45});
		await tui.waitForText('6 Skills');
		tui.type('?');
		const screen = await tui.waitForText('Keys (Esc or ? to close');
		expect(screen).toContain('Quit (asks first when runs are live)');
		expect(screen).toContain('Kill the selected run');
		tui.send('Escape');
		await tui.waitFor('the help to close', (text) => !text.includes('Keys (Esc'));
	});

	it('lays out again when the terminal is resized, with a message below the minimum size', async () => {
		const tui = startTui({columns: 100, rows: 30});
		await tui.waitForText('6 Skills');
		tui.resize(50, 12);
		await tui.waitForText('Terminal too small');
		tui.resize(120, 40);
		const screen = await tui.waitForText('6 Skills');
		expect(screen.split('\n').filter((line) => line.includes('6 Skills'))).toHaveLength(1);
		expect(screen).not.toContain('Terminal too small');
	});

	it('q exits with status 0 and the terminal restored', async () => {
		const tui = startTui();
		await tui.waitForText('6 Skills');
		tui.type('q');
		expect(await tui.waitForExit()).toBe(0);
		expect(tui.terminalState()).toEqual({alternateScreen: false, cursorVisible: true});
		expect(tui.capture()).not.toContain('6 Skills');
	});

	it('a chat round trip shows the streamed answer', async () => {
		const tui = startTui();
		await tui.waitForText('6 Skills');
		tui.type('c');
		await tui.waitForText('Chat with main');
		tui.type('hello there');
		tui.send('Enter');
		await tui.waitForText('You: hello there');
		await tui.waitForText('Baby: Hello from the scripted model.', 60_000);
	});

	it('a run stuck on the model shows as live in Containers and x kills it after asking', async () => {
		await ollama!.close();
		ollama = await startScriptedOllama({fallback: () => ({stall: true, content: 'thinking'})});
		const tui = startTui();
		await tui.waitForText('6 Skills');
		tui.type('c');
		await tui.waitForText('Chat with main');
		tui.type('are you there?');
		tui.send('Enter');
		await tui.waitForText('You: are you there?');
		tui.send('Escape');
		tui.type('2');
		await tui.waitFor('a live run', (screen) => /main\s+none\s+\S+.*(running|starting|idle)/.test(screen), 30_000);
		tui.type('x');
		await tui.waitForText('Kill run');
		tui.type('y');
		await tui.waitForText('ended (killed)', 30_000);
	}, 120_000);

	it('SIGTERM stops the host and restores the terminal', async () => {
		const tui = startTui();
		await tui.waitForText('6 Skills');
		process.kill(tui.pid(), 'SIGTERM');
		expect(await tui.waitForExit()).toBe(143);
		expect(tui.terminalState()).toEqual({alternateScreen: false, cursorVisible: true});
	});
});
