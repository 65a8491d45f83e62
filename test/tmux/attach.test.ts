// The host as a service: a headless host runs, UIs and commands come and go and attach to it, and
// clients that die or misbehave never take it down. The real binary, tmux, the control socket.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {binPath, cliEnv, projectRoot, runCli, startHeadless, waitFor, type HeadlessHost} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {paneNames, TmuxSession} from './tmux-session.js';

const opened: Array<{close(): unknown}> = [];

afterEach(async () => {
	for (const thing of opened.splice(0).reverse()) await thing.close();
});

async function scripted(options: Parameters<typeof startScriptedOllama>[0]): Promise<ScriptedOllama> {
	const ollama = await startScriptedOllama(options);
	opened.push(ollama);
	return ollama;
}

async function headlessHost(ollama: ScriptedOllama, extra?: Record<string, string>): Promise<{host: HeadlessHost; env: NodeJS.ProcessEnv; home: string}> {
	const {home, allowlist} = tempHome();
	const env = cliEnv({home, allowlist, ollamaUrl: ollama.url, extra});
	const host = await startHeadless(env);
	opened.push({close: () => host.stop()});
	return {host, env, home};
}

function openTui(env: NodeJS.ProcessEnv, size: {columns?: number; rows?: number} = {}): TmuxSession {
	const tui = TmuxSession.start({command: [process.execPath, binPath], env, cwd: projectRoot, ...size});
	opened.push({close: () => tui.kill()});
	return tui;
}

/** The host answers on its socket: `doctor` says so. */
async function answering(env: NodeJS.ProcessEnv, pid: number): Promise<void> {
	const doctor = await runCli(['doctor'], env);
	expect(doctor.stdout).toContain(`ok   a host is running (pid ${pid}), answering on`);
}

describe('a headless host with UIs and commands attached', () => {
	it('the TUI attaches, shows the panes and live state, chats with main, and q leaves the host running; chat "hi" is answered through it', async () => {
		const ollama = await scripted({fallback: () => ({content: 'Hello from the scripted model.'})});
		const {host, env} = await headlessHost(ollama);
		const tui = openTui(env, {columns: 120, rows: 32});
		const screen = await tui.waitFor('all six panes', (text) => paneNames.every((name) => text.includes(name)));
		expect(screen).toContain(`attached to host pid ${host.pid}`);
		expect(screen).toMatch(/main\s+main\s+local:main/);
		await tui.waitForText('Ollama qwen3');
		// Live state: a group registered from the CLI (through the host) shows at once.
		expect((await runCli(['groups', 'add', '--jid', '123@g.us', '--name', 'Family', '--folder', 'family'], env)).code).toBe(0);
		await tui.waitFor('the new group', (text) => /Family\s+family\s+@Baby\s+123@g.us/.test(text));
		await tui.chatWithMain('hello there', 'Hello from the scripted model.');
		tui.send('Escape');
		tui.type('q');
		expect(await tui.waitForExit()).toBe(0);
		expect(tui.terminalState()).toEqual({alternateScreen: false, cursorVisible: true});
		expect(host.running()).toBe(true);
		const before = ollama.chatRequests.length;
		const chat = await runCli(['chat', 'hi'], env);
		expect(chat).toMatchObject({code: 0, stdout: 'Hello from the scripted model.\n', stderr: expect.stringMatching(/^babybot-tui chat: UNSANDBOXED: [^\n]*\n$/)});
		expect(ollama.chatRequests.length).toBe(before + 1);
		expect(host.running()).toBe(true);
		expect(host.child.output()).toContain('"msg":"group registered by the operator"');
	}, 120_000);

	it('a second TUI attaches while the first is open; :stop in one (after asking) stops the host and ends both', async () => {
		const ollama = await scripted({fallback: () => ({content: 'ok'})});
		const {host, env, home} = await headlessHost(ollama);
		const first = openTui(env);
		const second = openTui(env);
		await first.waitForText(`attached to host pid ${host.pid}`);
		await second.waitForText(`attached to host pid ${host.pid}`);
		second.type(':stop');
		second.send('Enter');
		await second.waitForText(`Stop the host (pid ${host.pid})?`);
		second.type('y');
		expect(await second.waitForExit()).toBe(0);
		expect(await first.waitForExit()).toBe(0);
		expect(await host.stop()).toBe(0);
		expect(fs.existsSync(path.join(home, 'host.lock'))).toBe(false);
	}, 60_000);

	it('a TUI killed with SIGKILL mid-stream and a client writing garbage leave the host running', async () => {
		const ollama = await scripted({replies: [{stall: true, content: 'a long answer that never'}], fallback: () => ({content: 'still here'})});
		const {host, env, home} = await headlessHost(ollama);
		const tui = openTui(env);
		await tui.waitForText(`attached to host pid ${host.pid}`);
		tui.type('c');
		await tui.waitForText('Chat with main');
		tui.type('go');
		tui.send('Enter');
		await tui.waitForText('a long answer', 30_000);
		process.kill(tui.pid(), 'SIGKILL');
		expect(await tui.waitForExit()).toBe(137);
		const garbage = net.createConnection(path.join(home, 'control', 'host.sock'));
		const reply = await new Promise<string>((resolve) => {
			let text = '';
			garbage.on('data', (chunk) => (text += chunk));
			garbage.on('close', () => resolve(text));
			garbage.write('\u0000\u0001 not a frame at all\n');
		});
		expect(reply).toContain('"type":"error"');
		expect(host.running()).toBe(true);
		await answering(env, host.pid);
		expect((await runCli(['groups', 'list'], env)).stdout).toContain('main\tlocal:main');
	}, 90_000);
});

describe('a UI that started its own host', () => {
	it('serves it to other clients, and q then b hands it to a background host that the next TUI attaches to', async () => {
		const ollama = await scripted({fallback: () => ({content: 'answered in the background'})});
		const {home, allowlist} = tempHome();
		const env = cliEnv({home, allowlist, ollamaUrl: ollama.url});
		const tui = openTui(env, {columns: 140, rows: 30});
		await tui.waitForText('6 Skills');
		expect(tui.capture()).not.toContain('attached to host');
		// The UI's own host answers on the socket like any other.
		expect(await runCli(['chat', 'hi'], env)).toMatchObject({code: 0, stdout: 'answered in the background\n'});
		tui.type('q');
		await tui.waitForText('Quit: keep the host running in the background');
		tui.type('b');
		expect(await tui.waitForExit(60_000)).toBe(0);
		const pid = Number(fs.readFileSync(path.join(home, 'host.lock'), 'utf8'));
		opened.push({
			close: async () => {
				process.kill(pid, 'SIGTERM');
				await waitFor('the background host to stop', () => !fs.existsSync(path.join(home, 'host.lock')));
			},
		});
		expect(tui.output()).toContain(`the host keeps running in the background (pid ${pid}; logs in ${path.join(home, 'logs')})`);
		expect(fs.readFileSync(path.join(home, 'logs', 'background.log'), 'utf8')).toContain('host running headless');
		expect(await runCli(['chat', 'hi'], env)).toMatchObject({code: 0, stdout: 'answered in the background\n'});
		const next = openTui(env, {columns: 140, rows: 30});
		await next.waitForText(`attached to host pid ${pid}`);
	}, 120_000);
});

describe('an unsafe home', () => {
	it('a host is refused in a home that others can write, with the chmod to run; a client too', async () => {
		const ollama = await scripted({});
		const {home, allowlist} = tempHome();
		const env = cliEnv({home, allowlist, ollamaUrl: ollama.url});
		fs.chmodSync(home, 0o777);
		const refused = await runCli(['--headless'], env);
		expect(refused).toMatchObject({code: 1, stdout: ''});
		expect(refused.stderr).toBe(`babybot-tui: ${home} is writable by other users, so they could take over its control socket: run \`chmod go-w ${home}\`\n`);
		expect(fs.existsSync(path.join(home, 'host.lock'))).toBe(false);
		fs.chmodSync(home, 0o755);
		const host = await startHeadless(env);
		opened.push({close: () => host.stop()});
		fs.chmodSync(path.join(home, 'control'), 0o777);
		const chat = await runCli(['chat', 'hi'], env);
		expect(chat).toMatchObject({code: 1, stderr: `babybot-tui chat: ${path.join(home, 'control')} is open to other users: run \`chmod 700 ${path.join(home, 'control')}\`\n`});
		expect(ollama.chatRequests).toHaveLength(0);
	});
});
