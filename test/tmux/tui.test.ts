// Whole flows with the real binary in tmux, the scripted Ollama server and the `none` runtime.
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {binPath, cliEnv, projectRoot, queryStore, waitFor} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {TmuxSession} from './tmux-session.js';

const paneNames = ['1 Groups', '2 Containers', '3 Logs', '4 Tasks', '5 Access', '6 Skills'];

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

interface Started extends TmuxSession {
	home: string;
	allowlist: string;
	root: string;
}

function startTui(options: {columns?: number; rows?: number; env?: Record<string, string>} = {}): Started {
	const made = tempHome();
	const env = cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: ollama!.url, extra: options.env});
	session = TmuxSession.start({command: [process.execPath, binPath], env, cwd: projectRoot, columns: options.columns, rows: options.rows});
	return Object.assign(session, made);
}

/** Writes an IPC request as the agent does (temp name, then rename) and waits for the host's ack. */
async function dropIpc(home: string, folder: string, kind: 'tasks' | 'requests', body: unknown): Promise<{ok: boolean; result?: unknown; error?: string}> {
	const dir = path.join(home, 'ipc', folder, kind);
	const name = `${Date.now()}.json`;
	fs.mkdirSync(dir, {recursive: true});
	fs.writeFileSync(path.join(dir, `.tmp-${name}`), JSON.stringify(body));
	fs.renameSync(path.join(dir, `.tmp-${name}`), path.join(dir, name));
	const ack = path.join(home, 'ipc', folder, 'acks', name);
	await waitFor(`the ack of ${kind}/${name}`, () => fs.existsSync(ack));
	return JSON.parse(fs.readFileSync(ack, 'utf8'));
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
		const screen = await tui.waitForText('Keys (Esc/? to close');
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

	it('a run stuck on the model shows as over its idle limit, its details show its output, and x kills it after asking', async () => {
		await ollama!.close();
		ollama = await startScriptedOllama({fallback: () => ({stall: true, content: 'thinking about it'})});
		const tui = startTui({columns: 120, rows: 35, env: {CONTAINER_IDLE_TIMEOUT: '1500'}});
		await tui.waitForText('6 Skills');
		tui.type('c');
		await tui.waitForText('Chat with main');
		tui.type('are you there?');
		tui.send('Enter');
		await tui.waitForText('You: are you there?');
		tui.send('Escape');
		tui.type('2');
		await tui.waitFor('a live run', (screen) => /main\s+none\s+\S+.*(running|starting|idle)/.test(screen), 30_000);
		const screen = await tui.waitFor('the run over its idle limit', (text) => /main\s+none\s+\S+.*running OVER IDLE LIMIT/.test(text), 30_000);
		expect(screen).toMatch(/1 live/);
		tui.send('Enter');
		await tui.waitForText('recent agent output:');
		await tui.waitForText('thinking about it…');
		expect(tui.capture()).toMatch(/argv:\s*│?\n.*agent-runner/);
		tui.send('Escape');
		await tui.waitForText('OVER IDLE LIMIT');
		tui.type('x');
		await tui.waitForText('Kill run');
		tui.type('y');
		await tui.waitForText('ended (killed)', 30_000);
		expect(tui.capture()).not.toContain('OVER IDLE LIMIT');
	}, 120_000);

	it('a pending mount request is approved read-only for its group in the Mounts pane and the allowlist file changes', async () => {
		const tui = startTui({columns: 140, rows: 40});
		const photos = path.join(tui.root, 'outside', 'photos');
		fs.mkdirSync(photos, {recursive: true});
		await tui.waitForText('6 Skills');
		const ack = await dropIpc(tui.home, 'main', 'requests', {type: 'request_mount', hostPath: photos});
		expect(String(ack.result)).toContain('sent to the operator');
		tui.type('5');
		await tui.waitFor('the pending request', (screen) => screen.includes('1 mounts pending') && /PENDING\s+\S*outside\/photos\s+ro\s+main/.test(screen));
		expect(fs.existsSync(tui.allowlist)).toBe(false);
		tui.send('Enter');
		await tui.waitForText('why it waits:');
		tui.send('Escape');
		const real = fs.realpathSync(photos);
		tui.type('a');
		await tui.waitForText(`Allow ${real} for main as:`);
		tui.type('r');
		await tui.waitForText(`approved ${real} (ro, main)`);
		await waitFor('the allowlist file', () => fs.existsSync(tui.allowlist));
		const written = JSON.parse(fs.readFileSync(tui.allowlist, 'utf8')) as {allowedRoots: Array<{path: string; allowReadWrite: boolean}>};
		expect(written.allowedRoots).toEqual([expect.objectContaining({path: real, allowReadWrite: false, groups: ['main']})]);
		const screen = await tui.waitFor('the new allowed root', (text) => /root\s+\S*outside\/photos\s+ro/.test(text));
		expect(screen).not.toContain('PENDING');
		expect(screen).toContain('0 mounts pending');
	});

	it('a task is paused and resumed from the Tasks pane', async () => {
		const tui = startTui({columns: 120, rows: 30});
		await tui.waitForText('6 Skills');
		const ack = await dropIpc(tui.home, 'main', 'tasks', {type: 'schedule_task', prompt: 'water the plants', schedule_type: 'cron', schedule_value: '0 9 * * *'});
		expect(ack.ok).toBe(true);
		tui.type('4');
		const row = /main\s+cron 0 9 \* \* \*\s+(\w+)\s+(\S+(?: \S+)?)\s+once\s+water the plants/;
		await tui.waitFor('the active task', (screen) => row.exec(screen)?.[1] === 'active' && /^in \d/.test(row.exec(screen)![2]));
		const status = () => queryStore<{status: string}>(tui.home, 'SELECT status FROM scheduled_tasks')[0]?.status;
		tui.send('Space');
		await tui.waitFor('the paused task', (screen) => row.exec(screen)?.[1] === 'paused' && row.exec(screen)![2] === '-');
		await tui.waitForText('paused task');
		expect(status()).toBe('paused');
		tui.send('Space');
		await tui.waitFor('the resumed task', (screen) => row.exec(screen)?.[1] === 'active' && /^in \d/.test(row.exec(screen)![2]));
		await tui.waitForText('resumed task');
		expect(status()).toBe('active');
	});

	it('SIGTERM stops the host and restores the terminal', async () => {
		const tui = startTui();
		await tui.waitForText('6 Skills');
		process.kill(tui.pid(), 'SIGTERM');
		expect(await tui.waitForExit()).toBe(143);
		expect(tui.terminalState()).toEqual({alternateScreen: false, cursorVisible: true});
	});
});
