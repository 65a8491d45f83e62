// A local model as it really is, through the real binary: 12 `babybot-tui chat` runs in one home,
// each reading a ~6 KB log with bash, against the scripted Ollama in its realistic mode (4096
// num_ctx unless told otherwise, silent truncation, one prompt-cache slot, load and keep_alive).
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {answer, conversationReply, conversationTurns, question, writeConversationFiles} from '../support/conversation.js';
import {cliEnv, runCli, withoutUnsandboxed} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';

let ollama: ScriptedOllama | undefined;
afterEach(async () => {
	await ollama?.close();
	ollama = undefined;
});

describe('a local model as it really is (real binary, runtime none)', () => {
	it('12 turns with ~6 KB tool outputs: every request fits its num_ctx whole, follow-ups reuse the prompt cache, the model loads once', async () => {
		const {home, allowlist} = tempHome();
		ollama = await startScriptedOllama({realistic: {}, fallback: conversationReply, chunkSize: 64});
		writeConversationFiles(path.join(home, 'groups', 'main'));
		const env = cliEnv({home, allowlist, ollamaUrl: ollama.url});
		for (let turn = 1; turn <= conversationTurns; turn++) {
			const result = await runCli(['chat', question(turn)], env);
			expect({...result, stderr: withoutUnsandboxed(result.stderr)}, `turn ${turn}`).toMatchObject({code: 0, stderr: '', stdout: `${answer(turn)}\n`});
		}

		const chats = ollama.sim!.records.filter((record) => record.kind === 'chat');
		expect(chats).toHaveLength(2 * conversationTurns);
		const numCtx = chats[0].numCtx;
		expect(numCtx).toBe(16_384);
		for (const [index, record] of chats.entries()) {
			const what = `request ${index + 1}`;
			// Never larger than the num_ctx it is sent with: Ollama had nothing to drop or cut.
			expect(record.numCtx, what).toBe(numCtx);
			expect(record.fullTokens + record.outputTokens, what).toBeLessThanOrEqual(numCtx);
			expect(record, what).toMatchObject({droppedMessages: 0, runnerCut: false, contextShift: false, hasSystem: true, hasTools: true, hasLastUser: true, think: false});
		}
		// The follow-up of each turn (after its tool result) evaluates only what was appended, plus a few dozen tokens.
		for (let turn = 0; turn < conversationTurns; turn++) {
			const followUp = chats[2 * turn + 1];
			expect(followUp.evaluated, `turn ${turn + 1}`).toBeLessThanOrEqual(followUp.newTokens + 36);
		}
		// One load for the whole conversation: 12 host processes, the same num_ctx and keep_alive on every request.
		expect(ollama.sim!.loads()).toBe(1);
		expect(ollama.loadRequests.every((request) => request.keep_alive === '30m' && request.options?.num_ctx === numCtx)).toBe(true);
		expect(ollama.chatRequests.every((request) => request.keep_alive === '30m' && request.think === false && request.options?.num_predict === 2048)).toBe(true);

		// The calibration is kept in the home, and the session saved how many turns were dropped to fit.
		const calibration = JSON.parse(fs.readFileSync(path.join(home, 'store', 'llm-calibration.json'), 'utf8'));
		expect(calibration.models['qwen3:8b'].samples).toBe(2 * conversationTurns);
		const transcript = JSON.parse(fs.readFileSync(path.join(home, 'sessions', 'main', 'transcript.json'), 'utf8'));
		expect(transcript.dropped).toBeGreaterThan(0);
		expect(transcript.messages[0].role).toBe('user');
	}, 240_000);
});
