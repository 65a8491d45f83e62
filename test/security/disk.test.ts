// A hostile agent filling its group folder from inside its real Docker sandbox: past the group's
// disk quota, with a folder nested past PATH_MAX, with 200,000 small files. The host refuses an
// over-quota start with a reply that says so, and otherwise keeps starting and answering runs
// without ever blocking its event loop for long.
import {execFileSync} from 'node:child_process';
import path from 'node:path';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {afterEach, expect, it} from 'vitest';
import {waitFor} from '../support/cli.js';
import {describeWithDocker} from '../support/docker-gate.js';
import {deepAndMany, nodeCall} from './agent-scripts.js';
import {attackHosts, attacker, bash, resultOf, type Attack} from './support.js';

const hosts = attackHosts();
/** As many small files as the attack; making them takes the agent most of this test's time. */
const manyFiles = 200_000;
/** Each run closes a second after its answer, so every message below starts a new run. */
const env = {CONTAINER_IDLE_TIMEOUT: '1000'};

const runsEnded = (attack: Attack) => waitFor('the run to close', () => attack.running.host.snapshot().runs.every((run) => run.state === 'ended'), 30_000);

// A tree deeper than PATH_MAX: removed with rm (which walks it relative to each folder) before the temp home goes.
let deepTree: string | undefined;
afterEach(() => {
	if (deepTree) execFileSync('rm', ['-rf', deepTree]);
	deepTree = undefined;
});

await describeWithDocker('a hostile agent filling its group folder', () => {
	it('a file bigger than the group\'s disk quota: its next run is refused with a reply that names the disk quota', async () => {
		// No runtime here can cap a bind mount while a run lasts, so the host checks the quota before each start.
		const attack = await hosts.start({env: {...env, GROUP_DISK_QUOTA_MB: '20'}});
		const {outcome, results} = await attack.agentRuns([bash('head -c 31457280 /dev/urandom > /workspace/group/big.bin && du -sm /workspace/group')]);
		expect(outcome.ok).toBe(true);
		expect(results[0]).toMatch(/stdout:\n3\d\s+\/workspace\/group/);
		await runsEnded(attack);
		const modelCalls = attack.model.ollama.chatRequests.length;
		await attack.running.ask(attacker, 'hello again');
		const answer = attack.chat.replies.filter((reply) => reply.chatJid === `local:${attacker}`).at(-1);
		expect(answer?.text).toMatch(/disk quota/);
		// Refused before the start: the model never saw the message.
		expect(attack.model.ollama.chatRequests.length).toBe(modelCalls);
		expect(attack.boundary.changes()).toEqual([]);
	}, 90_000);

	it(`a folder nested past PATH_MAX and ${manyFiles.toLocaleString('en')} files in the group folder: later runs start and answer, the event loop never blocked for a second`, async () => {
		const attack = await hosts.start({env});
		deepTree = path.join(attack.home, 'groups', attacker, 'deep');
		const {outcome, results} = await attack.agentRuns([nodeCall(deepAndMany, {segments: 25, segmentLength: 200, files: manyFiles, perDir: 1000}, 450_000)]);
		expect(outcome.ok).toBe(true);
		const made = resultOf<{depthChars: number; files: number}>(results[0]);
		expect(made.depthChars).toBeGreaterThan(4096);
		expect(made.files).toBe(manyFiles);
		await runsEnded(attack);

		const delay = monitorEventLoopDelay({resolution: 10});
		delay.enable();
		for (let run = 0; run < 2; run++) {
			await attack.expectStillAnswering();
			await runsEnded(attack);
		}
		delay.disable();
		expect(delay.max / 1e6, 'the longest event-loop delay in ms').toBeLessThan(1000);
		expect(attack.boundary.changes()).toEqual([]);
	}, 600_000);
});
