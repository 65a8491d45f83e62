// What the host does with the model around a run: it loads it at start, keeps the model's thinking
// in the run's details only, and records what each request cost (details, log, status bar).
import {describe, expect, it} from 'vitest';
import {waitFor} from '../support/cli.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {closeAfterEach, startTestHost} from '../support/test-host.js';

const closing = closeAfterEach();

describe('the model around a run', () => {
	it('loads the model at start; thinking stays in the run details; each request is measured in the details, the log and the status bar', async () => {
		const ollama = closing(await startScriptedOllama({realistic: {loadMs: 2500}, replies: [{content: 'The answer.', thinking: 'PRIVATE-THOUGHT about the question'}]}));
		const running = closing(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, env: {OLLAMA_THINK: 'on', OLLAMA_KEEP_ALIVE: '1h'}}));
		await waitFor('the model load at start', () => ollama.sim!.isLoaded('qwen3:8b'));
		expect(ollama.loadRequests).toEqual([expect.objectContaining({keep_alive: '1h', options: {num_ctx: 16_384}})]);

		const outcome = await running.ask('main', 'a question');
		expect(outcome).toMatchObject({ok: true, replies: ['The answer.']});
		expect(ollama.chatRequests[0]).toMatchObject({think: true, keep_alive: '1h', options: {num_ctx: 16_384, num_predict: 4096}});
		expect(ollama.sim!.loads()).toBe(1);

		const [runRecord] = running.host.snapshot().runs;
		const details = (await running.host.runOutput(runRecord.id))!;
		expect(details.thinking?.join('\n')).toContain('PRIVATE-THOUGHT');
		expect(JSON.stringify(details.output)).not.toContain('PRIVATE-THOUGHT');
		const [record] = ollama.sim!.records.filter((r) => r.kind === 'chat');
		expect(details.llm).toMatchObject({requests: 1, promptTokens: record.promptTokens, outputTokens: record.outputTokens, numCtx: 16_384});
		const logged = running.host.logs.all().find((line) => line.msg.startsWith('model request: '));
		expect(logged?.msg).toBe(`model request: prompt ${record.promptTokens} of num_ctx 16384 · evaluated ${record.evaluated}, cached 0% · output ${record.outputTokens} at 16.0 tok/s`);
		expect(logged?.fields).toContain(runRecord.id);
		expect(running.host.snapshot().ollama.context).toMatchObject({numCtx: 16_384, lastPromptTokens: record.promptTokens, source: 'auto', modelMax: 40_960});
	});
});
