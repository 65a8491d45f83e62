// A model whose context is too small, and servers that truncate or refuse prompts, through the whole
// host (agent-runner as a child process, the LLM bridge, the realistic scripted Ollama): every case
// ends with what the user should do, and no request is silently worse than its budget twice.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {logText} from '../support/conversation.js';
import {waitFor} from '../support/cli.js';
import type {SimRecord} from '../support/ollama-model.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {closeAfterEach, startTestHost} from '../support/test-host.js';
import {tempHome} from '../support/temp-home.js';

const closing = closeAfterEach();
const chats = (records: SimRecord[]) => records.filter((r) => r.kind === 'chat');

/** A home whose main session already holds `turns` turns of questions about logs and ~1 KB answers. */
function homeWithHistory(turns: number) {
	const made = tempHome();
	const messages = Array.from({length: turns}, (_, i) => [
		{role: 'user', content: `<messages>\n<message sender="Operator" time="2026-03-14T09:00:00Z">what is in log ${i}?</message>\n</messages>`},
		{role: 'assistant', content: logText(i).slice(0, 1200)},
	]).flat();
	fs.mkdirSync(path.join(made.home, 'sessions', 'main'), {recursive: true});
	fs.writeFileSync(path.join(made.home, 'sessions', 'main', 'transcript.json'), JSON.stringify({version: 1, messages}));
	return made;
}

describe('the model\'s context', () => {
	it('a model whose maximum context is too small: the turn says so and what to do, nothing is sent, the status bar warns', async () => {
		const ollama = closing(await startScriptedOllama({realistic: {contextLength: 2048}}));
		const running = closing(await startTestHost({runtime: 'none', ollamaUrl: ollama.url}));
		const context = await waitFor('the probe', () => running.host.snapshot().ollama.context);
		expect(context).toMatchObject({numCtx: 2048, modelMax: 2048, warning: expect.stringMatching(/^model qwen3:8b allows at most 2048 tokens of context but the agent needs about \d+ tokens .*: use a model with a longer context$/)});
		const outcome = await running.ask('main', 'hello');
		expect(outcome.ok).toBe(false);
		expect(outcome.error).toMatch(/^this turn needs about \d+ tokens but the model's context allows \d+ \(num_ctx 2048 less 512 for the answer\): the model's context is too small for the agent; use a model with a longer context or raise OLLAMA_NUM_CTX$/);
		expect(ollama.chatRequests).toHaveLength(0);
	});

	it('a server that truncates silently (its tokenizer is denser than the estimate): the host sees it in prompt_eval_count, warns, and the next turn fits', async () => {
		// Two letters a token: prose is denser than the default estimate. (At one a token, the tools' JSON
		// alone is over 8,000 tokens and no single ratio fits both it and the prose: one correction is not enough.)
		const ollama = closing(await startScriptedOllama({realistic: {wordPieceChars: 2}, fallback: () => ({content: 'Fine.'})}));
		const running = closing(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, home: homeWithHistory(10)}));
		expect(await running.ask('main', 'first question')).toMatchObject({ok: true, replies: ['Fine.']});
		const [first] = chats(ollama.sim!.records);
		// Ollama dropped messages to make it fit, and said nothing but its count.
		expect(first.droppedMessages).toBeGreaterThan(0);
		expect(first.promptTokens).toBeGreaterThan(16_384 - 2048);
		const warned = running.host.logs.all().find((line) => /model request over its budget/.test(line.msg));
		expect(warned?.msg).toMatch(/OVER BUDGET \(Ollama may have cut it\); the estimate was raised$/);

		expect(await running.ask('main', 'second question')).toMatchObject({ok: true, replies: ['Fine.']});
		const second = chats(ollama.sim!.records)[1];
		expect(second).toMatchObject({droppedMessages: 0, runnerCut: false, hasSystem: true, hasTools: true, hasLastUser: true});
		expect(second.fullTokens).toBeLessThanOrEqual(16_384 - 2048);
	});

	it('a server that reports truncation (400, context shift off): the host lowers its estimate, the agent refits, and ends with what to do', async () => {
		const ollama = closing(await startScriptedOllama({realistic: {overflow: 'error', wordPieceChars: 1}, fallback: () => ({content: 'never'})}));
		const running = closing(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, env: {OLLAMA_NUM_CTX: '8192'}}));
		const outcome = await running.ask('main', 'hello');
		expect(outcome.ok).toBe(false);
		expect(outcome.error).toMatch(/the model's context is too small for the agent; use a model with a longer context or raise OLLAMA_NUM_CTX$/);
		const refused = chats(ollama.sim!.records);
		expect(refused.length).toBeGreaterThan(0);
		expect(refused.length).toBeLessThanOrEqual(4);
		expect(refused.every((record) => record.error === 'the prompt is longer than the context length')).toBe(true);
		const calibration = JSON.parse(fs.readFileSync(path.join(running.home, 'store', 'llm-calibration.json'), 'utf8'));
		expect(calibration.models['qwen3:8b'].charsPerToken).toBeLessThan(2);
	});
});
