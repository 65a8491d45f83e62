// Memory compaction and restore in the real UI, driven key by key in tmux: a memory file over its
// budget is compacted at the next run, the group's details show the kept version and its diff, and
// the restore key puts it back on disk. The binary, host and agent-runner are the real ones
// (runtime none); the only stand-in is the scripted model. It runs with the host in the UI's
// process and with the UI attached to a headless host.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {waitFor} from '../support/cli.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {hostModes, tuiFixture} from './tui-fixture.js';

const fixture = tuiFixture();

describe.each(hostModes)('host %s', (mode) => {
	it('compacts an over-budget memory at the next run and restores the kept version from the Groups pane', async () => {
		const ollama = await startScriptedOllama({replies: [{content: '# Memory\n- The user keeps 300 notes.'}, {content: 'Hello!'}], fallback: () => ({content: 'ok'})});
		const {tui, home} = await fixture.start(mode, ollama, {columns: 140, rows: 45});
		const memory = path.join(home, 'groups', 'main', 'MEMORY.md');
		const long = `${Array.from({length: 300}, (_, n) => `- note ${n}: something the user said once`).join('\n')}\n`;
		fs.writeFileSync(memory, long);

		tui.type('c');
		await tui.waitForText('Chat with main');
		tui.type('hello');
		tui.send('Enter');
		await tui.waitForText('Baby: Hello!', 60_000);
		expect(fs.readFileSync(memory, 'utf8')).toBe('# Memory\n- The user keeps 300 notes.\n');
		tui.send('Escape');
		await tui.waitFor('the Groups pane', (screen) => !screen.includes('Chat with main') && /main\s+main\s+local:main/.test(screen));
		tui.send('Enter');
		// The whole diff drawn (a capture can land mid-frame), down to its last line.
		const details = await tui.waitFor('the memory in the details', (screen) => screen.includes('versions kept by the host (m to restore one):') && screen.includes('+ - The user keeps 300 notes.'));
		expect(details).toMatch(/MEMORY\.md: 36 characters · budget [\d,]+ \(compacted at the next run above it\)/);
		expect(details).toMatch(/1 {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}before compaction {2}[\d,]+ characters/);
		expect(details).toContain('- - note 0: something the user said once');
		expect(details).toContain('+ - The user keeps 300 notes.');
		tui.send('Escape');
		await tui.waitFor('the Groups pane', (screen) => !screen.includes('versions kept by the host'));
		tui.type('m');
		await tui.waitForText("Restore which version of main's memory? (1 is the newest of 1 kept;");
		tui.send('Enter');
		await tui.waitForText('for main (the text it replaced is kept as a version)');
		await waitFor('the restored file', () => fs.readFileSync(memory, 'utf8') === long);

		tui.send('Enter');
		await tui.waitFor('the restore among the versions', (screen) => /1 {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}replaced by a restore {2}36 characters/.test(screen));
	}, 120_000);
});
