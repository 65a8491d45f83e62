// Ollama failing in each way it can, through the whole host: the run ends with one clear line in
// the chat, within its timeout, and the group answers again once the model is back.
import {describe, expect, it} from 'vitest';
import {waitFor, closedPort} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama, type ScriptedReply} from '../support/ollama-server.js';
import {startTestHost, type TestHost, closeAfterEach} from '../support/test-host.js';

let ollama: ScriptedOllama | undefined;
let running: TestHost | undefined;
const track = closeAfterEach();

/** Asks once, collecting the warning the chat got; the turn must fail with exactly that line. */
async function askExpectingWarning(host: TestHost, text: string): Promise<string> {
	const warnings: string[] = [];
	const off = host.host.events.on('reply', (reply) => reply.error && warnings.push(reply.text));
	const outcome = await host.ask('main', text);
	off();
	expect(outcome.ok).toBe(false);
	expect(warnings).toHaveLength(1);
	expect(warnings[0]).toBe(`⚠️ ${outcome.error}`);
	expect(warnings[0]!.split('\n')).toHaveLength(1);
	return warnings[0]!;
}


describe('Ollama faults end the run with a clear message', () => {
	it('refused connection: names the URL and how to start Ollama', async () => {
		const port = await closedPort();
		running = track(await startTestHost({runtime: 'none', ollamaUrl: `http://127.0.0.1:${port}`}));
		const warning = await askExpectingWarning(running, 'hello?');
		expect(warning).toContain(`Ollama is not reachable at http://127.0.0.1:${port}: start it with \`ollama serve\``);
	});

	it.each<[string, Record<string, string>, {models?: string[]; modelsWithoutTools?: string[]}, string]>([
		['a model that is not installed', {OLLAMA_MODEL: 'llama9:70b'}, {}, 'model llama9:70b is not installed in Ollama at'],
		['a model without tool support', {OLLAMA_MODEL: 'gemma:2b'}, {models: ['qwen3:8b', 'gemma:2b'], modelsWithoutTools: ['gemma:2b']}, 'model gemma:2b does not support tools: set OLLAMA_MODEL'],
	])('%s: says what to set or pull', async (_case, env, server, expected) => {
		ollama = track(await startScriptedOllama(server));
		running = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, env}));
		expect(await askExpectingWarning(running, 'hello?')).toContain(expected);
	});

	it.each<[string, ScriptedReply, string]>([
		['an error line mid-stream', {content: 'Let me th', errorMidStream: 'llama runner process has terminated'}, 'llama runner process has terminated'],
		['a stream that stops without done', {content: 'I think', endWithoutDone: true}, 'the model stream ended before it was done'],
		['a stall', {content: 'hmm', stall: true}, 'the model sent nothing for 1 s (stalled)'],
	])('%s: ends the run, and the next message is answered', async (_case, reply, expected) => {
		ollama = track(await startScriptedOllama());
		running = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, env: {OLLAMA_STALL_TIMEOUT: '1000'}}));
		ollama.push(reply);
		expect(await askExpectingWarning(running, 'think hard')).toContain(expected);
		ollama.push({content: 'back again'});
		expect(await running.ask('main', 'still there?')).toMatchObject({ok: true, replies: ['back again']});
		// The failed message was answered by its warning: it is not asked again.
		expect(ollama.chatRequests).toHaveLength(2);
		expect(ollama.chatRequests[1]!.messages.at(-1)!.content).not.toContain('think hard');
	});

	it('a run past CONTAINER_TIMEOUT is told once and not started again for the same message', async () => {
		ollama = track(await startScriptedOllama({replies: [{stall: true, content: 'slow'}]}));
		running = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, env: {CONTAINER_TIMEOUT: '1000'}}));
		const warning = await askExpectingWarning(running, 'take your time');
		expect(warning).toBe('⚠️ the run hit CONTAINER_TIMEOUT (1000 ms) and was killed');
		await waitFor('the run to end', () => running!.host.snapshot().runs.every((run) => run.state === 'ended'));
		await new Promise((resolve) => setImmediate(resolve));
		expect(running.host.snapshot().runs).toHaveLength(1);
		expect(ollama.chatRequests).toHaveLength(1);
	});
});
