// The diff the Groups pane shows between a kept memory version and the file now.
import {describe, expect, it} from 'vitest';
import {lineDiff, showDiff} from '../../src/memory/line-diff.js';

describe('lineDiff', () => {
	it.each([
		['a\nb\nc', 'a\nb\nc', ['  a', '  b', '  c']],
		['a\nb\nc', 'a\nc', ['  a', '- b', '  c']],
		['a\nc', 'a\nb\nc', ['  a', '+ b', '  c']],
		['a\nb', 'x\ny', ['- a', '- b', '+ x', '+ y']],
		['', 'new', ['- ', '+ new']],
		['a\nb\nc\nd', 'a\nX\nc\nY', ['  a', '- b', '+ X', '  c', '- d', '+ Y']],
	])('%j → %j', (before, after, lines) => {
		expect(lineDiff(before, after).map((line) => `${line.kind} ${line.text}`)).toEqual(lines);
	});

	it('compares very long texts as wholly changed beyond the common start and end', () => {
		const before = Array.from({length: 1500}, (_, n) => `old ${n}`).join('\n');
		const after = Array.from({length: 1500}, (_, n) => `new ${n}`).join('\n');
		const lines = lineDiff(`same\n${before}\nend`, `same\n${after}\nend`);
		expect(lines.filter((line) => line.kind === '-')).toHaveLength(1500);
		expect(lines.filter((line) => line.kind === '+')).toHaveLength(1500);
		expect(lines[0]).toEqual({kind: ' ', text: 'same'});
	});
});

describe('showDiff', () => {
	it('shows the changes with two lines around each, … between, and nothing for equal texts', () => {
		const before = ['# Memory', '- one', '- two', '- three', '- four', '- five', '- six', '- seven'].join('\n');
		const after = ['# Memory', '- ONE', '- two', '- three', '- four', '- five', '- six', '- seven', '- eight'].join('\n');
		expect(showDiff(before, after)).toEqual(['  # Memory', '- - one', '+ - ONE', '  - two', '  - three', '…', '  - six', '  - seven', '+ - eight']);
		expect(showDiff(before, before)).toEqual([]);
	});

	it('shows the start of a long run of removed or added lines and how many more, so a rewrite shows both sides', () => {
		const before = Array.from({length: 300}, (_, n) => `- note ${n}`).join('\n');
		expect(showDiff(before, '# Memory\n- 300 notes', {maxRun: 3})).toEqual(['- - note 0', '- - note 1', '- - note 2', '… 297 more removed lines', '+ # Memory', '+ - 300 notes']);
		expect(showDiff('', Array.from({length: 8}, (_, n) => `line ${n}`).join('\n'), {maxRun: 5})).toEqual(['- ', '+ line 0', '+ line 1', '+ line 2', '+ line 3', '+ line 4', '… 3 more added lines']);
	});

	it('stops at maxLines and says how many more', () => {
		const before = Array.from({length: 50}, (_, n) => `line ${n}`).join('\n');
		const after = Array.from({length: 50}, (_, n) => (n % 2 ? `line ${n}` : `LINE ${n}`)).join('\n');
		const lines = showDiff(before, after, {maxLines: 10});
		expect(lines).toHaveLength(11);
		expect(lines[10]).toMatch(/^… \d+ more lines of the diff not shown$/);
	});
});
