// The Docker daemon stopped during a run (a private second engine, so other tests keep theirs):
// the chat gets a clear error, the run shows it, the slot is freed, and once the daemon is back
// the next message is answered in a container again.
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {waitFor} from '../support/cli.js';
import {describeWithDocker, testImage} from '../support/docker-gate.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {copyImage, secondDockerd, type SecondDockerd} from '../support/second-dockerd.js';
import {tempHome} from '../support/temp-home.js';
import {startTestHost, type TestHost} from '../support/test-host.js';

let engine: SecondDockerd | undefined;
let ollama: ScriptedOllama | undefined;
let running: TestHost | undefined;

await describeWithDocker('the Docker daemon stopping during a run', () => {
	beforeAll(async () => {
		// Kept between runs (deleting an engine's layers takes a minute here; loading the image, half one).
		engine = secondDockerd(path.join(os.tmpdir(), 'babybot-test-dockerd'));
		await engine.start();
		await copyImage(testImage, engine.env);
	}, 180_000);
	afterAll(async () => {
		await running?.stop();
		await ollama?.close();
		await engine?.stop();
	}, 60_000);

	it('tells the chat and the run why, frees the slot, and works again when the daemon is back', async () => {
		ollama = await startScriptedOllama({replies: [{stall: true, content: 'thinking'}]});
		running = await startTestHost({runtime: 'docker', ollamaUrl: ollama.url, home: tempHome(), launcherEnv: engine!.env, env: {MAX_CONCURRENT_CONTAINERS: '1'}});
		const warnings: string[] = [];
		const notices: string[] = [];
		running.host.events.on('reply', (reply) => reply.error && warnings.push(reply.text));
		running.host.events.on('notice', (notice) => notice.level === 'error' && notices.push(notice.text));

		void running.host.sendLocalMessage('main', 'hello');
		await waitFor('the run to reach the model', () => ollama!.chatRequests.length === 1, 60_000);
		await engine!.stop();

		const warning = await waitFor('the chat to be told', () => warnings.at(-1), 60_000);
		expect(warning).toMatch(/^⚠️ the docker sandbox exited with code \d+: .*Cannot connect to the Docker daemon.*\(tried 3 times; send your message again to retry\)$/);
		expect(warning.split('\n')).toHaveLength(1);
		const runs = running.host.snapshot().runs;
		expect(runs.every((run) => run.state === 'ended')).toBe(true);
		expect(runs[0]!.error).toContain('Cannot connect to the Docker daemon');
		expect(notices.at(-1)).toContain('Cannot connect to the Docker daemon');

		await engine!.start();
		ollama.push({content: 'back in a container'});
		const outcome = await running.ask('main', 'are you back?');
		expect(outcome).toMatchObject({ok: true, replies: ['back in a container']});
		expect(running.host.snapshot().runs[0]).toMatchObject({runtime: 'docker', state: 'idle'});
	}, 180_000);
});
