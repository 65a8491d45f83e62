// A hostile agent filling its group folder from inside its real Docker sandbox: past the group's
// disk quota, with a folder nested past PATH_MAX, with 200,000 small files. The host refuses an
// over-quota start with a reply that says so (a warm run over it closes after its turn), and otherwise keeps starting and answering runs
// without ever blocking its event loop for long.
import {execFileSync} from 'node:child_process';
import path from 'node:path';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {afterEach, expect, it} from 'vitest';
import {waitFor} from '../support/cli.js';
import {describeWithDocker} from '../support/docker-gate.js';
import {deepTree, manyFiles, nodeCall} from './agent-scripts.js';
import {attackHosts, attacker, bash, resultOf, type Attack} from './support.js';

const hosts = attackHosts();
/** As many small files as the attack. */
const fileCount = 200_000;
/** Each run closes a second after its answer, so every message below starts a new run. */
const env = {CONTAINER_IDLE_TIMEOUT: '1000'};

const runsEnded = (attack: Attack) => waitFor('the run to close', () => attack.running.host.snapshot().runs.every((run) => run.state === 'ended'), 30_000);

// A tree deeper than PATH_MAX: removed with rm (which walks it relative to each folder) before the temp home goes.
let deepFolder: string | undefined;
afterEach(() => {
	if (deepFolder) execFileSync('rm', ['-rf', deepFolder]);
	deepFolder = undefined;
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

	it('a file bigger than the quota written in a warm run: the run closes after that turn and the next message is refused', async () => {
		// The run would stay warm for a minute; the quota closes it as soon as the turn's measurement is in.
		const attack = await hosts.start({env: {CONTAINER_IDLE_TIMEOUT: '60000', GROUP_DISK_QUOTA_MB: '20'}});
		const {outcome} = await attack.agentRuns([bash('head -c 31457280 /dev/urandom > /workspace/group/big.bin')]);
		expect(outcome.ok).toBe(true);
		await runsEnded(attack);
		const ended = attack.running.host.snapshot().runs.find((run) => run.groupFolder === attacker);
		expect(ended?.endReason).toBe('idle');
		const modelCalls = attack.model.ollama.chatRequests.length;
		await attack.running.ask(attacker, 'hello again');
		const answer = attack.chat.replies.filter((reply) => reply.chatJid === `local:${attacker}`).at(-1);
		expect(answer?.text).toMatch(/disk quota/);
		expect(attack.model.ollama.chatRequests.length).toBe(modelCalls);
	}, 90_000);

	it('a folder nested past PATH_MAX in the group folder: every later run still starts and answers', async () => {
		const attack = await hosts.start({env});
		deepFolder = path.join(attack.home, 'groups', attacker, 'deep');
		const {outcome, results} = await attack.agentRuns([nodeCall(deepTree, {segments: 25, segmentLength: 200}, 60_000)]);
		expect(outcome.ok).toBe(true);
		expect(resultOf<{depthChars: number}>(results[0]).depthChars).toBeGreaterThan(4096);
		await runsEnded(attack);
		for (let run = 0; run < 2; run++) {
			await attack.expectStillAnswering();
			await runsEnded(attack);
		}
		expect(attack.boundary.changes()).toEqual([]);
	}, 300_000);

	it(`${fileCount.toLocaleString('en')} files in the group folder: later runs start and answer, the host's event loop never blocked for a second`, async () => {
		const attack = await hosts.start({env});
		const {outcome, results} = await attack.agentRuns([nodeCall(manyFiles, {files: fileCount, perDir: 1000}, 450_000)]);
		expect(outcome.ok).toBe(true);
		expect(resultOf<{files: number}>(results[0]).files).toBe(fileCount);
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
