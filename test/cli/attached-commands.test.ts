// With a headless host running, the commands go through it (its log shows each operator action) and a
// second host is refused with what to do; with none, they use the store.
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cliEnv, queryStore, runCli, startHeadless, waitFor, type HeadlessHost} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';

let ollama: ScriptedOllama | undefined;
let host: HeadlessHost | undefined;
afterEach(async () => {
	await host?.stop();
	host = undefined;
	await ollama?.close();
	ollama = undefined;
});

async function setup() {
	const made = tempHome();
	ollama = await startScriptedOllama({fallback: () => ({content: 'answered by the running host'})});
	return {...made, env: cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: ollama.url})};
}

/** Schedules a task as the main agent does (an IPC file) and waits for the host's ack. */
async function scheduleTask(home: string): Promise<string> {
	const dir = path.join(home, 'ipc', 'main', 'tasks');
	fs.mkdirSync(dir, {recursive: true});
	fs.writeFileSync(path.join(dir, '.tmp-1.json'), JSON.stringify({type: 'schedule_task', prompt: 'water the plants', schedule_type: 'cron', schedule_value: '0 9 * * *'}));
	fs.renameSync(path.join(dir, '.tmp-1.json'), path.join(dir, '1.json'));
	await waitFor('the ack', () => fs.existsSync(path.join(home, 'ipc', 'main', 'acks', '1.json')));
	return queryStore<{id: string}>(home, 'SELECT id FROM scheduled_tasks')[0].id;
}

describe('commands with a host running', () => {
	it('chat, groups, mounts, tasks and doctor go through the host; a second host is refused with what to do', async () => {
		const {home, root, allowlist, env} = await setup();
		host = await startHeadless(env);
		const log = () => host!.child.output();
		const holder = `another BabyBot host (pid ${host.pid}) is running for ${home}`;
		expect(await runCli(['--headless'], env)).toMatchObject({code: 1, stdout: '', stderr: `babybot-tui: ${holder}: open the UI with \`babybot-tui\` (it attaches), or stop that host first (:stop in its UI, or kill ${host.pid})\n`});

		expect(await runCli(['chat', 'hi'], env)).toMatchObject({code: 0, stdout: 'answered by the running host\n', stderr: expect.stringMatching(/^babybot-tui chat: UNSANDBOXED: [^\n]*\n$/)});
		expect(await runCli(['chat', '--group', 'nope', 'hi'], env)).toMatchObject({code: 2, stderr: 'babybot-tui chat: no group with folder "nope": see `babybot-tui groups list`\n'});

		expect(await runCli(['groups', 'add', '--jid', '123@g.us', '--name', 'Family', '--folder', 'family', '--network'], env)).toMatchObject({code: 0});
		await waitFor('the host to log it', () => log().includes('"msg":"group registered by the operator"'));
		expect((await runCli(['groups', 'list'], env)).stdout).toBe('main\tlocal:main\tMain (local)\tmain\nfamily\t123@g.us\tFamily\ttrigger @Baby\tnetwork\n');
		expect(await runCli(['groups', 'remove', 'main'], env)).toMatchObject({code: 1, stderr: 'babybot-tui groups: the main group cannot be unregistered\n'});
		expect(await runCli(['groups', 'remove', 'family'], env)).toMatchObject({code: 0, stdout: 'removed Family (123@g.us); its folder is kept and its tasks are paused (resume them once it is registered again)\n'});

		const notes = path.join(root, 'notes');
		fs.mkdirSync(notes);
		expect(await runCli(['mounts', 'allow', notes], env)).toMatchObject({code: 0, stdout: `allowed ro ${fs.realpathSync(notes)} in ${allowlist}\n`});
		await waitFor('the host to log it', () => log().includes('"msg":"allowed mount root added by the operator"'));
		expect(await runCli(['mounts', 'revoke', notes], env)).toMatchObject({code: 0, stdout: `revoked ${notes} (1 root) in ${allowlist}\n`});
		expect(await runCli(['mounts', 'revoke', notes], env)).toMatchObject({code: 1, stderr: expect.stringContaining('is not an allowed root')});

		const id = await scheduleTask(home);
		expect((await runCli(['tasks', 'list'], env)).stdout).toMatch(new RegExp(`^${id}\\tmain\\tactive\\tcron 0 9 \\* \\* \\*\\tnext \\S+\\tmissed once\\twater the plants\\n$`));
		expect(await runCli(['tasks', 'pause', id], env)).toMatchObject({code: 0, stdout: `task ${id} paused\n`});
		await waitFor('the host to log it', () => log().includes('"msg":"task paused by the operator"'));
		expect(queryStore<{status: string}>(home, 'SELECT status FROM scheduled_tasks')[0].status).toBe('paused');
		expect(await runCli(['tasks', 'resume', id], env)).toMatchObject({code: 0, stdout: `task ${id} resumed\n`});
		expect(await runCli(['tasks', 'misfire', id, 'catch-up'], env)).toMatchObject({code: 0, stdout: `task ${id}: missed runs catch-up\n`});
		expect(queryStore<{misfire: string}>(home, 'SELECT misfire FROM scheduled_tasks')[0].misfire).toBe('catch-up');
		expect(await runCli(['tasks', 'run', id], env)).toMatchObject({code: 0});
		await waitFor('the task run', () => queryStore<{last_run: string | null}>(home, 'SELECT last_run FROM scheduled_tasks')[0].last_run !== null);
		expect(await runCli(['tasks', 'delete', id], env)).toMatchObject({code: 0, stdout: `task ${id} deleted\n`});
		expect(await runCli(['tasks', 'pause', id], env)).toMatchObject({code: 1, stderr: expect.stringMatching(/^babybot-tui tasks: .*\n$/)});

		const doctor = await runCli(['doctor'], env);
		expect(doctor.stdout).toContain(`ok   a host is running (pid ${host.pid}), answering on ${path.join(home, 'control', 'host.sock')}`);
		expect(doctor.stdout).toContain('warn the host runs agents with runtime none: UNSANDBOXED on this machine');
		expect(host.running()).toBe(true);
	}, 120_000);
});

describe('commands with no host running', () => {
	it('tasks list, pause, resume and delete use the store; run says a host is needed', async () => {
		const {home, env} = await setup();
		host = await startHeadless(env);
		const id = await scheduleTask(home);
		expect(await host.stop()).toBe(0);
		host = undefined;
		expect(await runCli(['tasks', 'pause', id], env)).toMatchObject({code: 0, stdout: `task ${id} paused\n`});
		expect((await runCli(['tasks', 'list', '--group', 'main'], env)).stdout).toContain(`${id}\tmain\tpaused`);
		expect(await runCli(['tasks', 'run', id], env)).toMatchObject({code: 1, stderr: `babybot-tui tasks: no host is running for ${home}, so nothing can run task ${id} now: start one (\`babybot-tui\`, \`babybot-tui --headless\` or \`babybot-tui service install\`) and run it again\n`});
		expect(await runCli(['tasks', 'resume', id], env)).toMatchObject({code: 0});
		expect(await runCli(['tasks', 'misfire', id, 'skip'], env)).toMatchObject({code: 0, stdout: `task ${id}: missed runs skip\n`});
		expect((await runCli(['tasks', 'list'], env)).stdout).toContain('\tmissed skip\t');
		expect(await runCli(['tasks', 'misfire', id, 'sometimes'], env)).toMatchObject({code: 2, stderr: 'babybot-tui tasks: misfire "sometimes" is unknown: use catch-up, once or skip\n'});
		expect(await runCli(['tasks', 'misfire', id], env)).toMatchObject({code: 2, stderr: 'babybot-tui tasks: tasks misfire needs a policy after the task id: once, catch-up or skip\n'});
		expect(await runCli(['tasks', 'delete', id], env)).toMatchObject({code: 0});
		expect(await runCli(['tasks', 'list'], env)).toMatchObject({code: 0, stdout: 'no tasks: the agents schedule them (ask main to remind you of something)\n'});
		expect(await runCli(['tasks', 'frobnicate'], env)).toMatchObject({code: 2, stderr: 'babybot-tui tasks: unknown tasks action "frobnicate": use list, pause, resume, run, delete or misfire\n'});
		expect(await runCli(['tasks', 'pause'], env)).toMatchObject({code: 2, stderr: 'babybot-tui tasks: tasks pause needs a task id: see `babybot-tui tasks list`\n'});
	}, 60_000);
});
