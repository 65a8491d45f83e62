// The host SIGKILLed while two groups' containers are mid-run, then started again on the same home:
// every triggered message is answered once, the outbox and the scheduled task survive, and the
// containers the dead host left behind are gone.
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, expect, it} from 'vitest';
import {cliEnv, queryStore, waitFor} from '../support/cli.js';
import {describeWithRuntimes} from '../support/docker-gate.js';
import {startHostProcess, type HostProcess} from '../support/host-process.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {installContainers} from '../support/test-host.js';

let ollama: ScriptedOllama | undefined;
const hosts: HostProcess[] = [];
afterEach(async () => {
	for (const host of hosts.splice(0)) if (host.child.exitCode === null) await host.kill();
	await ollama?.close();
	ollama = undefined;
});

/** Writes an IPC request the way the agent does (temp name, then rename). */
function dropIpc(home: string, folder: string, kind: string, name: string, body: unknown): void {
	const dir = path.join(home, 'ipc', folder, kind);
	fs.mkdirSync(dir, {recursive: true});
	fs.writeFileSync(path.join(dir, `.tmp-${name}`), JSON.stringify(body));
	fs.renameSync(path.join(dir, `.tmp-${name}`), path.join(dir, name));
}

await describeWithRuntimes('a host killed mid-run', (rt) => {
	it('answers every message once after a restart, keeps the outbox and the task, and leaves no container', async () => {
		const made = tempHome();
		let stalling = true;
		ollama = await startScriptedOllama({
			fallback: (request) => (stalling ? {stall: true} : {content: `answer to: ${request.messages.at(-1)!.content.match(/hello \w+/g)?.join(', ') ?? 'a task'}`}),
		});
		// Two requests at the model at once, so both runs are seen there before the host is killed.
		const env = cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: ollama.url, runtime: rt.name, extra: {OLLAMA_NUM_PARALLEL: '2'}});

		const first = await startHostProcess(made.root, env);
		hosts.push(first);
		first.send({type: 'register', group: {jid: 'family@g.us', name: 'Family', folder: 'family', requiresTrigger: false}});
		await first.waitForEvent('the group registration', (event) => event.type === 'registered');
		const acked = (name: string) => fs.existsSync(path.join(made.home, 'ipc', 'main', 'acks', name));
		dropIpc(made.home, 'main', 'messages', '1.json', {type: 'message', chatJid: 'family@g.us', text: 'queued for WhatsApp'});
		await waitFor('the message IPC ack', () => acked('1.json'));
		first.send({type: 'send', folder: 'main', text: 'hello main'});
		first.send({type: 'send', folder: 'family', text: 'hello family'});
		await waitFor('both runs to reach the model', () => ollama!.chatRequests.length >= 2, 60_000);
		// Scheduled only now, so it comes due after the kill: a task run the crash interrupts is logged
		// as an error and never run twice, which a slow sandbox start would otherwise make this test.
		dropIpc(made.home, 'main', 'tasks', '2.json', {type: 'schedule_task', prompt: 'say good morning', schedule_type: 'once', schedule_value: new Date(Date.now() + 3000).toISOString()});
		await waitFor('the task IPC ack', () => acked('2.json'));
		const leftBehind = installContainers(made.home, rt.engine);
		expect(leftBehind).toHaveLength(2);
		await first.kill();

		stalling = false;
		const second = await startHostProcess(made.root, env);
		hosts.push(second);
		expect(installContainers(made.home, rt.engine).filter((name) => leftBehind.includes(name))).toEqual([]);
		await waitFor('both answers and the task run', () => {
			const answers = queryStore<{n: number}>(made.home, "SELECT COUNT(*) AS n FROM messages WHERE is_bot = 1 AND content LIKE 'answer to:%'");
			const runs = queryStore<{n: number}>(made.home, "SELECT COUNT(*) AS n FROM task_run_logs WHERE status = 'success'");
			return answers[0]!.n >= 3 && runs[0]!.n >= 1;
		}, 90_000);
		expect(await second.stop()).toBe(0);

		const replies = queryStore<{chat_jid: string; content: string}>(made.home, 'SELECT chat_jid, content FROM messages WHERE is_bot = 1 ORDER BY seq');
		const answers = replies.filter((reply) => reply.content.startsWith('answer to:'));
		expect(answers.filter((a) => a.chat_jid === 'local:main' && a.content.includes('hello main'))).toHaveLength(1);
		expect(answers.filter((a) => a.chat_jid === 'local:family')).toEqual([{chat_jid: 'local:family', content: 'answer to: hello family'}]);
		const outbox = queryStore<{chat_jid: string; text: string; sent_at: string | null}>(made.home, 'SELECT chat_jid, text, sent_at FROM outbox WHERE chat_jid = ?', 'family@g.us');
		expect(outbox).toEqual([{chat_jid: 'family@g.us', text: 'queued for WhatsApp', sent_at: null}]);
		const tasks = queryStore<{status: string}>(made.home, 'SELECT status FROM scheduled_tasks');
		expect(tasks).toEqual([{status: 'completed'}]);
		expect(installContainers(made.home, rt.engine)).toEqual([]);
	}, 180_000);
});
