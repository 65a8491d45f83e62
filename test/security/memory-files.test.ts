// A hostile agent swapping its MEMORY.md or its session transcript, from inside its real Docker
// sandbox: for a symlink to a host file and for a FIFO, the host never reads or writes through it.
// Main's read_memory, the operator's memory details and the next run's memory check refuse it or
// carry on without it, and the group's next run starts and answers (a FIFO never holds the agent).
import {expect, it} from 'vitest';
import {describeWithDocker} from '../support/docker-gate.js';
import {attackHosts, attacker, bash, within} from './support.js';

const hosts = attackHosts();
const memory = '/workspace/group/MEMORY.md';
const transcript = '/workspace/session/transcript.json';
/** Every text the model was sent. */
const modelSaw = (ollama: {chatRequests: Array<{messages: Array<{content: string}>}>}) => ollama.chatRequests.flatMap((request) => request.messages.map((m) => m.content)).join('\n');

await describeWithDocker('a hostile agent swapping its memory or session files', () => {
	it.each([
		['MEMORY.md as a symlink to the WhatsApp credentials', (creds: string) => `ln -sfn ${creds} ${memory} && echo swapped`, /^refused: /],
		['MEMORY.md as a FIFO', () => `rm -f ${memory} && mkfifo ${memory} && echo swapped`, /^refused: /],
		['the session transcript as a FIFO', () => `rm -f ${transcript} && mkfifo ${transcript} && echo swapped`, /has no MEMORY\.md yet/],
	])('%s: never read through by read_memory, the memory details or the next run', async (_label, command, readMemory) => {
		const attack = await hosts.start();
		const {outcome, results} = await attack.agentRuns([bash(command(attack.boundary.paths.creds))]);
		expect(outcome.ok).toBe(true);
		expect(results[0]).toMatch(/^swapped$/m);

		const read = await attack.agentRuns([{name: 'read_memory', arguments: {group: attacker}}], 'main');
		expect(read.results[0]).toMatch(readMemory);
		const details = await within(attack.running.host.memoryDetails(attacker), 10_000, () => 'the memory details');
		expect(JSON.stringify(details)).not.toContain('canary-noise-key');
		// The next run of the group reads its memory first (budget, compaction): it starts and answers.
		await attack.expectStillAnswering();
		expect(modelSaw(attack.model.ollama)).not.toContain('canary-noise-key');
		expect(attack.boundary.changes()).toEqual([]);
	}, 180_000);
});
