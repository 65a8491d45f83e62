// The sandbox contract in a real container (Docker, Podman and gVisor): what the agent can see, reach and change.
// The scripted Ollama server makes the agent run probe commands; their results come back to the
// "model" as tool messages, which is where these tests read them.
import fs from 'node:fs';
import path from 'node:path';
import {expect, it} from 'vitest';
import {cliEnv, runCli} from '../support/cli.js';
import {describeWithRuntimes} from '../support/docker-gate.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {listDir, probeReplies, readOnlyRefusal, toolResults} from '../support/probe.js';
import {installContainers, startTestHost, type TestHost, closeAfterEach} from '../support/test-host.js';
import {tempHome} from '../support/temp-home.js';

let ollama: ScriptedOllama | undefined;
let running: TestHost | undefined;
const track = closeAfterEach();

/** A project root like the checkout (templates, skills) plus a secret `.env`, outside the checkout. */
function projectCopy(root: string): string {
	const checkout = path.resolve(import.meta.dirname, '..', '..');
	const project = path.join(root, 'project');
	for (const dir of ['groups', 'skills']) fs.cpSync(path.join(checkout, dir), path.join(project, dir), {recursive: true});
	fs.writeFileSync(path.join(project, '.env'), 'OLLAMA_API_KEY=sk-do-not-leak\n');
	fs.writeFileSync(path.join(project, 'README.md'), 'the project\n');
	return project;
}

await describeWithRuntimes('the sandbox', (rt) => {
	it('runs the whole chat flow: a bash call writes into the group folder, the answer is printed, no container is left', async () => {
		const {home, allowlist} = tempHome();
		ollama = track(await startScriptedOllama({
			replies: [{toolCalls: [{name: 'bash', arguments: {command: 'echo "made in a container" > note.txt && pwd && id -u'}}]}, {content: 'Wrote note.txt.'}],
		}));
		const result = await runCli(['chat', 'write a note'], cliEnv({home, allowlist, ollamaUrl: ollama.url, runtime: rt.name}));
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout.trim()).toBe('Wrote note.txt.');
		expect(fs.readFileSync(path.join(home, 'groups', 'main', 'note.txt'), 'utf8')).toBe('made in a container\n');
		const [pwdAndUid] = toolResults(ollama.chatRequests[1]);
		expect(pwdAndUid).toContain('exit code: 0');
		expect(pwdAndUid).toMatch(/stdout:\n\/workspace\/group\n1000\n/);
		expect(installContainers(home, rt.engine)).toEqual([]);
	});

	it('a non-main group: non-root, only lo, no secrets, its own folder only, global and skills read-only', async () => {
		ollama = track(await startScriptedOllama());
		running = track(await startTestHost({runtime: rt.name, engine: rt.engine, ollamaUrl: ollama.url}));
		await running.host.registerGroup({jid: 'family@g.us', name: 'Family', folder: 'family', requiresTrigger: false});
		const mainDir = path.join(running.home, 'groups', 'main');
		fs.writeFileSync(path.join(mainDir, 'main-secret-marker.txt'), 'main only\n');
		const probes = [
			'id -u; id -g',
			// /sys/class/net cannot be listed under gVisor; /proc/net/dev can everywhere.
			"tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '",
			'env',
			`cat ${mainDir}/main-secret-marker.txt; find / -name main-secret-marker.txt -not -path '/proc/*' 2>/dev/null | wc -l`,
			`${listDir('/workspace')}; ${listDir('/workspace/ipc')}`,
			'touch /workspace/global/x',
			`${listDir('/workspace/skills')} | head -3; touch /workspace/skills/x`,
			'touch /usr/x; touch /tmp/ok && echo tmp-writable',
			'echo from-the-agent > /workspace/group/written.txt',
			listDir('/workspace/project'),
		];
		ollama.push(...probeReplies(probes));
		const outcome = await running.ask('family', 'probe');
		expect(outcome).toMatchObject({ok: true, replies: ['done']});
		const [ids, net, env, otherGroup, workspace, global, skills, rootfs, write, project] = toolResults(ollama.chatRequests.at(-1)!);
		expect(ids).toMatch(/stdout:\n1000\n1000\n/);
		expect(net).toMatch(/stdout:\nlo\n\nstderr/);
		expect(env).toContain('exit code: 0');
		expect(env).not.toMatch(/OLLAMA|API_KEY|TOKEN|SECRET|DOCKER_HOST/i);
		expect(otherGroup).toContain('No such file or directory');
		expect(otherGroup).toMatch(/stdout:\n0\n/);
		expect(workspace).toMatch(/stdout:\nextra\nglobal\ngroup\nipc\nsession\nskills\nacks\nmessages\nrequests\ntasks\n/);
		expect(global).toMatch(readOnlyRefusal(rt.name));
		expect(skills).toMatch(/stdout:\nadd-clear\nadd-discord\nadd-memory\n/);
		expect(skills).toMatch(readOnlyRefusal(rt.name));
		expect(rootfs).toMatch(readOnlyRefusal(rt.name));
		expect(rootfs).toContain('tmp-writable');
		expect(write).toContain('exit code: 0');
		expect(project).toContain('No such file or directory');
		expect(fs.readFileSync(path.join(running.home, 'groups', 'family', 'written.txt'), 'utf8')).toBe('from-the-agent\n');
	});

	it("the agent's ls and stat work (busybox's where the kernel refuses GNU's statx, as gVisor's runsc in Debian 12 does)", async () => {
		ollama = track(await startScriptedOllama());
		running = track(await startTestHost({runtime: rt.name, engine: rt.engine, ollamaUrl: ollama.url}));
		ollama.push(...probeReplies(['echo hi > f.txt && mkdir -p sub && ls -la /workspace/group', 'stat -c "%s %u" f.txt', 'ls /workspace']));
		expect(await running.ask('main', 'probe')).toMatchObject({ok: true});
		const [list, stat, workspace] = toolResults(ollama.chatRequests.at(-1)!);
		expect(list).toContain('exit code: 0');
		expect(list).toMatch(/-rw-r--r--.* f\.txt\n/);
		expect(list).toMatch(/^d.* sub$/m);
		expect(stat).toMatch(/exit code: 0\nstdout:\n3 1000\n/);
		expect(workspace).toMatch(/exit code: 0\nstdout:\nextra\s+global\s+group\s+ipc\s+project\s+session\s+skills\s/);
	});

	it('main sees the project read-only with .env hidden, and may write the global memory', async () => {
		const made = tempHome();
		ollama = track(await startScriptedOllama());
		running = track(await startTestHost({runtime: rt.name, engine: rt.engine, ollamaUrl: ollama.url, home: made, projectRoot: projectCopy(made.root)}));
		ollama.push(
			...probeReplies([
				'cat /workspace/project/README.md; wc -c < /workspace/project/.env',
				'touch /workspace/project/x',
				'echo remembered >> /workspace/global/MEMORY.md && echo ok',
			]),
		);
		const outcome = await running.ask('main', 'probe');
		expect(outcome.ok).toBe(true);
		const [readme, writeProject, global] = toolResults(ollama.chatRequests.at(-1)!);
		expect(readme).toMatch(/stdout:\nthe project\n0\n/);
		expect(writeProject).toMatch(readOnlyRefusal(rt.name));
		expect(global).toContain('stdout:\nok');
		expect(fs.readFileSync(path.join(running.home, 'groups', 'global', 'MEMORY.md'), 'utf8')).toContain('remembered');
	});

	it('a follow-up message reaches the warm container: no second container is started', async () => {
		ollama = track(await startScriptedOllama({replies: [{content: 'first answer'}, {content: 'second answer'}]}));
		running = track(await startTestHost({runtime: rt.name, engine: rt.engine, ollamaUrl: ollama.url}));
		expect(await running.ask('main', 'one')).toMatchObject({ok: true, replies: ['first answer']});
		const [warm] = installContainers(running.home, rt.engine);
		expect(warm).toMatch(/^babybot-main-\d{17}$/);
		expect(await running.ask('main', 'two')).toMatchObject({ok: true, replies: ['second answer']});
		expect(installContainers(running.home, rt.engine)).toEqual([warm]);
		const runs = running.host.snapshot().runs;
		expect(runs).toHaveLength(1);
		expect(runs[0]).toMatchObject({containerName: warm, runtime: rt.name, state: 'idle'});
		expect(runs[0].argv).toEqual(expect.arrayContaining(['--network', 'none', '--cap-drop', 'ALL', '--read-only', '--init']));
		const {home} = running;
		await running.stop();
		running = undefined;
		expect(installContainers(home, rt.engine)).toEqual([]);
	});
});
