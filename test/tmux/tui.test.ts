// Whole flows with the real binary in tmux, the scripted Ollama server and the `none` runtime; each
// flow runs twice: with the host in the UI's process, and with the UI attached to a headless host.
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {binPath, cliEnv, projectRoot, queryStore, startHeadless, waitFor, type HeadlessHost} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {paneNames, TmuxSession} from './tmux-session.js';


let ollama: ScriptedOllama | undefined;
let session: TmuxSession | undefined;
let headless: HeadlessHost | undefined;

beforeEach(async () => {
	ollama = await startScriptedOllama({fallback: () => ({content: 'Hello from the scripted model.'})});
});

afterEach(async () => {
	session?.kill();
	session = undefined;
	await headless?.stop();
	headless = undefined;
	await ollama?.close();
	ollama = undefined;
});

type Mode = 'in-process' | 'attached';

interface Started extends TmuxSession {
	home: string;
	allowlist: string;
	root: string;
	/** The pid of the headless host the UI attached to (attached mode). */
	hostPid?: number;
}

/** The UI in tmux: with its own host, or attached to a `--headless` host started first for the same home. */
async function startTui(mode: Mode, options: {columns?: number; rows?: number; env?: Record<string, string>} = {}): Promise<Started> {
	const made = tempHome();
	const env = cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: ollama!.url, extra: options.env});
	let hostPid: number | undefined;
	if (mode === 'attached') {
		headless = await startHeadless(env);
		hostPid = headless.pid;
	}
	session = TmuxSession.start({command: [process.execPath, binPath], env, cwd: projectRoot, columns: options.columns, rows: options.rows});
	const started = Object.assign(session, made, {hostPid});
	if (hostPid !== undefined) await started.waitForText(`attached to host pid ${hostPid}`);
	return started;
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

describe.each<Mode>(['in-process', 'attached'])('babybot-tui in a terminal, host %s', (mode) => {
	it('draws all six panes and the status bar at start-up', async () => {
		const tui = await startTui(mode);
		const screen = await tui.waitFor('all six panes', (text) => paneNames.every((name) => text.includes(name)));
		expect(screen).toContain('UNSANDBOXED');
		expect(screen).toMatch(/main\s+main\s+local:main/);
		expect(tui.terminalState().alternateScreen).toBe(true);
		await tui.waitForText('Ollama qwen3');
	});

	it('? shows the help with every key, including q quit; Esc closes it', async () => {
		const tui = await startTui(mode, {columns: 140, rows: 45});
		await tui.waitForText('6 Skills');
		tui.type('?');
		const screen = await tui.waitForText('Keys (Esc/? to close');
		expect(screen).toContain('Quit: detach, or keep or stop the host');
		expect(screen).toContain('Kill the selected run');
		tui.send('Escape');
		await tui.waitFor('the help to close', (text) => !text.includes('Keys (Esc'));
	});

	it('lays out again when the terminal is resized, with a message below the minimum size', async () => {
		const tui = await startTui(mode, {columns: 100, rows: 30});
		await tui.waitForText('6 Skills');
		tui.resize(50, 12);
		await tui.waitForText('Terminal too small');
		tui.resize(120, 40);
		const screen = await tui.waitForText('6 Skills');
		expect(screen.split('\n').filter((line) => line.includes('6 Skills'))).toHaveLength(1);
		expect(screen).not.toContain('Terminal too small');
	});

	it('q exits with status 0 and the terminal restored (in-process: after s stops the host; attached: the host keeps running)', async () => {
		const tui = await startTui(mode);
		await tui.waitForText('6 Skills');
		tui.type('q');
		if (mode === 'in-process') {
			await tui.waitForText('Quit: keep the host running in the background');
			tui.type('s');
		}
		expect(await tui.waitForExit()).toBe(0);
		expect(tui.terminalState()).toEqual({alternateScreen: false, cursorVisible: true});
		expect(tui.capture()).not.toContain('6 Skills');
		if (mode === 'attached') expect(headless!.running()).toBe(true);
		else expect(fs.existsSync(path.join(tui.home, 'host.lock'))).toBe(false);
	});

	it('a chat round trip shows the streamed answer', async () => {
		const tui = await startTui(mode);
		await tui.waitForText('6 Skills');
		await tui.chatWithMain('hello there', 'Hello from the scripted model.');
	});

	it('a run stuck on the model shows as over its idle limit, its details show its output, and x kills it after asking', async () => {
		await ollama!.close();
		ollama = await startScriptedOllama({fallback: () => ({stall: true, content: 'thinking about it'})});
		const tui = await startTui(mode, {columns: 120, rows: 35, env: {CONTAINER_IDLE_TIMEOUT: '1500'}});
		await tui.waitForText('6 Skills');
		await tui.chat('are you there?');
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
		const tui = await startTui(mode, {columns: 140, rows: 40});
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
		const tui = await startTui(mode, {columns: 120, rows: 30});
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

	it('SIGTERM restores the terminal (in-process: the host stops; attached: it keeps running)', async () => {
		const tui = await startTui(mode);
		await tui.waitForText('6 Skills');
		process.kill(tui.pid(), 'SIGTERM');
		expect(await tui.waitForExit()).toBe(143);
		expect(tui.terminalState()).toEqual({alternateScreen: false, cursorVisible: true});
		if (mode === 'attached') expect(headless!.running()).toBe(true);
	});
});
