// A FIFO among a group's requests, against real host processes: the agent makes one from inside its
// Docker sandbox and then sends an ordinary request, which must still be answered; `chat` ends;
// and a headless host with a FIFO waiting in its IPC folders stops on SIGTERM and leaves no lock.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {expect, it} from 'vitest';
import {cliEnv, runCli, startCli, waitFor} from '../support/cli.js';
import {describeWithDocker} from '../support/docker-gate.js';
import {tempHome} from '../support/temp-home.js';
import {closeAfterEach} from '../support/test-host.js';
import {guardBoundary} from './canaries.js';
import {ackOf, bash, dropHostRequest, hostIpc, startAttackModel, victim} from './support.js';

const track = closeAfterEach();

await describeWithDocker('a FIFO in the IPC folders', () => {
	it('the agent\'s mkfifo does not stop its next request: send_message is answered and `chat` ends, leaving no lock', async () => {
		const made = tempHome('babybot-attack-');
		const boundary = guardBoundary(made, victim);
		const model = await startAttackModel();
		track({close: () => model.ollama.close()});
		model.plan('fifo-then-send', [
			// The host may refuse (and remove) the FIFO before another command could look at it.
			bash('mkfifo /workspace/ipc/messages/f.json && echo made-a-fifo'),
			{name: 'send_message', arguments: {text: 'after the fifo'}},
		]);
		const env = cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: model.ollama.url, runtime: 'docker'});
		const result = await runCli(['chat', 'run fifo-then-send'], env, 75_000).catch((error: Error) => ({code: null, stdout: '', stderr: error.message}));
		const [mkfifo, sent] = model.results('fifo-then-send') ?? [];
		expect(mkfifo).toMatch(/^made-a-fifo$/m);
		// The ordinary request after the FIFO was answered ("sent"), not left to time out.
		expect(sent).toBe('sent');
		expect(result).toMatchObject({code: 0, stdout: 'after the fifo\ndone\n'});
		expect(fs.existsSync(path.join(made.home, 'host.lock'))).toBe(false);
		expect(boundary.changes()).toEqual([]);
	}, 120_000);

	it('a headless host with a FIFO waiting in a group\'s IPC folder still acks that group, and stops on SIGTERM leaving no lock', async () => {
		const made = tempHome('babybot-attack-');
		const model = await startAttackModel();
		track({close: () => model.ollama.close()});
		// Left by an agent of an earlier run (its IPC folder is its own to write).
		const messages = hostIpc(made.home, 'main', 'messages');
		fs.mkdirSync(messages, {recursive: true});
		for (const sub of ['requests', 'acks']) fs.mkdirSync(hostIpc(made.home, 'main', sub), {recursive: true});
		execFileSync('mkfifo', [path.join(messages, 'left-behind.json')]);
		const host = startCli(['--headless'], cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: model.ollama.url, runtime: 'docker'}));
		const exited = new Promise<number | null>((resolve) => host.once('exit', (code) => resolve(code)));
		try {
			await waitFor('the headless host', () => host.output().includes('host running headless'));
			const ack = await ackOf(dropHostRequest(made.home, 'main', 'requests', 'after-fifo.json', {type: 'list_tasks'}), 15_000).catch((error: Error) => ({ok: false, error: error.message}));
			// Soft: the stop below is checked whatever this says.
			expect.soft(ack).toMatchObject({ok: true});
			host.kill('SIGTERM');
			const code = await Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000))]);
			expect(code, host.output().slice(-2000)).toBe(0);
			expect(fs.existsSync(path.join(made.home, 'host.lock'))).toBe(false);
		} finally {
			if (host.exitCode === null) host.kill('SIGKILL');
			await exited;
		}
	}, 60_000);
});
