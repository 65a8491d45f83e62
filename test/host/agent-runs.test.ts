// Whole runs in an in-process host (runtime none, the real agent-runner, the scripted model):
// a stray stdout line from the agent and a failing model never stop the group.
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {loadConfig} from '../../src/config.js';
import {createHost} from '../../src/host/create-host.js';
import {agentRunnerEntry, createNoneLauncher} from '../../src/runtimes/none.js';
import {startScriptedOllama, type ScriptedOllama, type ScriptedReply} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {startTestHost, type TestHost} from '../support/test-host.js';

let ollama: ScriptedOllama | undefined;
let host: TestHost | undefined;
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
	await host?.stop();
	await stop?.();
	await ollama?.close();
	host = undefined;
	stop = undefined;
	ollama = undefined;
});

describe('agent runs at host level', () => {
	it('logs a stdout line outside the protocol and carries on with the run', async () => {
		ollama = await startScriptedOllama({replies: [{toolCalls: [{name: 'bash', arguments: {command: 'echo still-here'}}]}, {content: 'Finished anyway.'}]});
		const made = tempHome();
		// The real agent-runner, whose stdout gets one stray line right after its first model request.
		const entry = path.join(made.root, 'stray-agent.mjs');
		fs.writeFileSync(
			entry,
			`const write = process.stdout.write.bind(process.stdout);
let strayed = false;
process.stdout.write = (chunk, ...rest) => {
	const ok = write(chunk, ...rest);
	if (!strayed && String(chunk).includes('"llm_request"')) {
		strayed = true;
		write('plain words, not JSON\\n');
	}
	return ok;
};
await import(${JSON.stringify(pathToFileURL(agentRunnerEntry).href)});
`,
		);
		const config = loadConfig({env: {BABYBOT_HOME: made.home, MOUNT_ALLOWLIST_PATH: made.allowlist, OLLAMA_BASE_URL: ollama.url, CONTAINER_RUNTIME: 'none', LOG_LEVEL: 'debug'}});
		const real = await createHost({config, launcher: createNoneLauncher({entry, timezone: config.timezone})});
		stop = () => real.stop();
		const replies: string[] = [];
		real.events.on('reply', (reply) => replies.push(reply.text));
		const turn = new Promise<{ok: boolean}>((resolve) => real.events.on('turn', resolve));
		await real.start();
		await real.sendLocalMessage('main', 'go');
		expect(await turn).toMatchObject({ok: true});
		expect(replies).toEqual(['Finished anyway.']);
		const stray = real.logs.all().filter((line) => line.msg === 'agent wrote a line outside the protocol');
		expect(stray).toHaveLength(1);
		expect(stray[0].fields).toContain('plain words, not JSON');
		expect(ollama.chatRequests).toHaveLength(2);
		expect(ollama.chatRequests[1].messages.at(-1)).toMatchObject({role: 'tool'});
		expect(ollama.chatRequests[1].messages.at(-1)!.content).toContain('still-here');
	});

	it.each<[string, ScriptedReply, RegExp]>([
		['an HTTP error', {httpStatus: 500, error: 'out of memory'}, /out of memory/],
		['an error mid-stream', {errorMidStream: 'model runner crashed', content: 'Half an ans'}, /model runner crashed/],
	])('tells the chat "⚠️ …" on %s, and answers the next message', async (_name, failure, reason) => {
		ollama = await startScriptedOllama({replies: [failure, {content: 'Back again.'}]});
		host = await startTestHost({runtime: 'none', ollamaUrl: ollama.url});
		const warnings: string[] = [];
		host.host.events.on('reply', (reply) => {
			if (reply.error) warnings.push(reply.text);
		});
		const failed = await host.ask('main', 'first');
		expect(failed.ok).toBe(false);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(/^⚠️ /);
		expect(warnings[0]).toMatch(reason);
		expect(warnings[0]).not.toContain('\n');

		const next = await host.ask('main', 'second');
		expect(next).toMatchObject({ok: true, replies: ['Back again.']});
		expect(warnings).toHaveLength(1);
		expect(ollama.chatRequests.at(-1)!.messages.at(-1)!.content).toContain('second');
	});
});
