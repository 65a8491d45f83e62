// One default for context_mode and misfire: the agent's schedule_task leaves them to the host, which
// stores 'group' (as NanoClaw does) and 'once', through the real agent-runner, IPC watcher and scheduler.
import {describe, expect, it} from 'vitest';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {startTestHost, type TestHost, closeAfterEach} from '../support/test-host.js';

let ollama: ScriptedOllama | undefined;
let testHost: TestHost | undefined;
const track = closeAfterEach();

const schedule = (extra: Record<string, unknown>) => ({
	toolCalls: [{name: 'schedule_task', arguments: {prompt: 'Remind me to water the plants', schedule_type: 'interval', schedule_value: '3600000', ...extra}}],
});

describe('schedule_task defaults', () => {
	it("is 'group' when the model leaves it out, and what the model chose otherwise", async () => {
		ollama = track(await startScriptedOllama({replies: [schedule({}), {content: 'Hourly, then.'}, schedule({context_mode: 'isolated'}), {content: 'Done.'}]}));
		testHost = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url}));
		expect(await testHost.ask('main', 'remind me hourly to water the plants')).toMatchObject({ok: true, replies: ['Hourly, then.']});
		expect(ollama.chatRequests[1].messages.at(-1)).toMatchObject({role: 'tool', tool_name: 'schedule_task'});
		expect(testHost.host.snapshot().tasks.map((task) => task.contextMode)).toEqual(['group']);

		await testHost.ask('main', 'and another one on its own');
		expect(testHost.host.snapshot().tasks.map((task) => task.contextMode).sort()).toEqual(['group', 'isolated']);
	});

	it("misfire is 'once' when the model leaves it out, and what the model chose otherwise", async () => {
		ollama = track(await startScriptedOllama({replies: [schedule({}), {content: 'Hourly.'}, schedule({misfire: 'catch-up'}), {content: 'Each one.'}]}));
		testHost = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url}));
		await testHost.ask('main', 'remind me hourly');
		await testHost.ask('main', 'and catch up on missed ones');
		expect(testHost.host.snapshot().tasks.map((task) => task.misfire).sort()).toEqual(['catch-up', 'once']);
	});
});
