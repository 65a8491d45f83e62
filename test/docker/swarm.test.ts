// Sub-agents in a real container (Docker, Podman and gVisor): they share the run's container (its
// mounts and user, no network), write into the group folder, and one can be killed while the others finish.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {expect, it} from 'vitest';
import {sandboxUid} from '../../src/host/sandbox-spec.js';
import {waitFor} from '../support/cli.js';
import {describeWithRuntimes} from '../support/docker-gate.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {lastRole, subagentOf, swarmModel} from '../support/swarm-model.js';
import {closeAfterEach, startTestHost} from '../support/test-host.js';

const track = closeAfterEach();

await describeWithRuntimes('sub-agents', (rt) => {
	it("each sub-agent's bash runs in the run's container as its user; a killed one leaves the others to finish", async () => {
		const tasks = ['alpha', 'beta', 'gamma'].map((name) => ({name, prompt: `Record ${name}.`, tools: ['bash']}));
		const ollama = track(
			await startScriptedOllama({
				fallback: swarmModel({
					tasks,
					override: (name, request) => {
						if (name === 'gamma') return {stall: true};
						if (lastRole(request) === 'user') return {toolCalls: [{name: 'bash', arguments: {command: `echo "$(id -u) $(hostname)" > /workspace/group/${name}.txt && cat /workspace/group/${name}.txt`}}]};
						return {content: `${name}: ${request.messages.at(-1)!.content.trim().split('\n').find((line) => /^\d+ /.test(line)) ?? '?'}`};
					},
				}),
			}),
		);
		const t = track(await startTestHost({runtime: rt.name, engine: rt.engine, ollamaUrl: ollama.url}));
		const turn = t.ask('main', 'record alpha, beta and gamma');
		const gamma = await waitFor('gamma at the model', () => ollama.chatRequests.some((request) => subagentOf(request) === 'gamma') && t.host.snapshot().subagents.find((s) => s.name === 'gamma'), 60_000);
		await t.host.killSubagent(gamma.runId, gamma.id);
		const outcome = await turn;
		expect(outcome.ok).toBe(true);
		expect(outcome.replies[0]).toContain('3 sub-agents: 2 done, 1 killed');
		const [alpha, beta] = ['alpha', 'beta'].map((name) => fs.readFileSync(path.join(t.home, 'groups', 'main', `${name}.txt`), 'utf8').trim().split(' '));
		// The same container for both (one hostname, not this machine's), as the sandbox's user.
		expect(alpha).toEqual(beta);
		expect(alpha[0]).toBe(String(sandboxUid));
		expect(alpha[1]).not.toBe(os.hostname());
		expect(t.host.snapshot().runs.filter((run) => run.state !== 'ended')).toHaveLength(1);
	}, 120_000);
});
