// Extra mounts in a real container: allowed ones visible (ro or rw as the allowlist says), refused
// ones absent until the operator approves them, which rewrites the allowlist file.
import fs from 'node:fs';
import path from 'node:path';
import {expect, it} from 'vitest';
import {cliEnv, runCli, waitFor} from '../support/cli.js';
import {describeWithRuntimes} from '../support/docker-gate.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {listDir, probeReplies, readOnlyRefusal, toolResults} from '../support/probe.js';
import {tempHome} from '../support/temp-home.js';
import {startTestHost, type TestHost, closeAfterEach} from '../support/test-host.js';

let ollama: ScriptedOllama | undefined;
let running: TestHost | undefined;
const track = closeAfterEach();


await describeWithRuntimes('extra mounts', (rt) => {
	it('an allowed mount is visible read-only, a read-write one writable, a refused one absent until approved', async () => {
		const made = tempHome();
		const shared = path.join(made.root, 'shared');
		const notes = path.join(shared, 'notes');
		const code = path.join(shared, 'code');
		const outside = path.join(made.root, 'outside', 'photos');
		for (const dir of [notes, code, outside]) fs.mkdirSync(dir, {recursive: true});
		fs.writeFileSync(path.join(notes, 'todo.md'), 'buy milk\n');
		// The operator's own folder: owned by the user the sandbox runs as (uid 1000 when the host is root).
		if (process.getuid?.() === 0) fs.chownSync(code, 1000, 1000);
		fs.writeFileSync(path.join(outside, 'pic.txt'), 'a photo\n');
		fs.mkdirSync(path.dirname(made.allowlist), {recursive: true});
		fs.writeFileSync(made.allowlist, JSON.stringify({allowedRoots: [{path: shared, allowReadWrite: true}], nonMainReadOnly: false}, null, 2));

		ollama = track(await startScriptedOllama());
		const added = await runCli(
			['groups', 'add', '--jid', 'work@g.us', '--name', 'Work', '--folder', 'work', '--no-trigger', '--mount', notes, '--mount', `${code}:rw`, '--mount', outside],
			cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: ollama.url, runtime: rt.name}),
		);
		expect(added.code).toBe(0);
		running = track(await startTestHost({runtime: rt.name, engine: rt.engine, ollamaUrl: ollama.url, home: made}));

		ollama.push(...probeReplies([listDir('/workspace/extra'), 'cat /workspace/extra/notes/todo.md; touch /workspace/extra/notes/x', 'echo from-agent > /workspace/extra/code/out.txt && echo wrote']));
		expect(await running.ask('work', 'look around')).toMatchObject({ok: true});
		const [listing, notesProbe, codeProbe] = toolResults(ollama.chatRequests.at(-1)!);
		expect(listing).toMatch(/stdout:\ncode\nnotes\n\nstderr/);
		expect(notesProbe).toContain('buy milk');
		expect(notesProbe).toMatch(readOnlyRefusal(rt.name));
		expect(codeProbe).toContain('stdout:\nwrote');
		expect(fs.readFileSync(path.join(code, 'out.txt'), 'utf8')).toBe('from-agent\n');

		const pending = running.host.snapshot().mounts.requests.filter((r) => r.status === 'pending');
		expect(pending).toEqual([expect.objectContaining({groupFolder: 'work', hostPath: outside, source: 'config'})]);
		expect(pending[0].reason).toContain('is not under an allowed root');

		await running.host.approveMount(pending[0].id, 'ro');
		const allowlist = JSON.parse(fs.readFileSync(made.allowlist, 'utf8')) as {allowedRoots: Array<{path: string; allowReadWrite: boolean}>};
		expect(allowlist.allowedRoots).toEqual([
			{path: shared, allowReadWrite: true},
			expect.objectContaining({path: outside, allowReadWrite: false}),
		]);
		await waitFor('the approval to close the warm run', () => running!.host.snapshot().runs.every((run) => run.state === 'ended'));

		ollama.push(...probeReplies([listDir('/workspace/extra'), 'cat /workspace/extra/photos/pic.txt; touch /workspace/extra/photos/y']));
		expect(await running.ask('work', 'look again')).toMatchObject({ok: true});
		const [after, photos] = toolResults(ollama.chatRequests.at(-1)!);
		expect(after).toMatch(/stdout:\ncode\nnotes\nphotos\n/);
		expect(photos).toContain('a photo');
		expect(photos).toMatch(readOnlyRefusal(rt.name));
	});
});
