// The control socket's pure parts: line framing with a size bound, client frame validation, and the
// permission rules for the home and the control folder.
import {describe, expect, it} from 'vitest';
import {ControlDirError, controlDirProblem, homeProblem, prepareControlDir} from '../../src/control/control-dir.js';
import {homePaths} from '../../src/paths.js';
import {LineReader, parseClientFrame} from '../../src/control/protocol.js';

describe('LineReader', () => {
	it.each([
		['one line', ['{"a":1}\n'], ['{"a":1}'], false],
		['two lines in one chunk', ['a\nb\n'], ['a', 'b'], false],
		['a line split over chunks', ['ab', 'c\nd', 'e\n'], ['abc', 'de'], false],
		['a partial line is kept', ['abc'], [], false],
		['a line at the limit', ['x'.repeat(8) + '\n'], ['x'.repeat(8)], false],
		['a line over the limit in one chunk', ['x'.repeat(9) + '\n'], [], true],
		['a line growing over the limit across chunks', ['xxxxx', 'xxxxx'], [], true],
		['lines before an overflow are kept', ['ok\n' + 'x'.repeat(20)], ['ok'], true],
		['a multi-byte character split over chunks', [Buffer.from('é\n').subarray(0, 1), Buffer.from('é\n').subarray(1)], ['é'], false],
	])('%s', (_what, chunks, lines, overflowed) => {
		const reader = new LineReader(8);
		const out: string[] = [];
		for (const chunk of chunks) out.push(...reader.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
		expect(out).toEqual(lines);
		expect(reader.overflowed).toBe(overflowed);
	});

	it('reads nothing more after an overflow', () => {
		const reader = new LineReader(4);
		reader.push(Buffer.from('xxxxxxxx'));
		expect(reader.push(Buffer.from('ok\n'))).toEqual([]);
	});
});

describe('parseClientFrame', () => {
	it.each([
		['{"type":"hello","version":1}', {frame: {type: 'hello', version: 1}}],
		['{"type":"hello","version":1,"logTail":500}', {frame: {type: 'hello', version: 1, logTail: 500}}],
		['{"type":"call","id":3,"method":"killRun","args":["r-1"]}', {frame: {type: 'call', id: 3, method: 'killRun', args: ['r-1']}}],
		['not json', {error: 'a frame is not JSON ("not json"): send one JSON object per line'}],
		['[1,2]', {error: expect.stringMatching(/^a frame is not a hello or a call/)}],
		['{"type":"call","id":-1,"method":"stop","args":[]}', {error: expect.stringMatching(/^a frame is not a hello or a call at id/)}],
		['{"type":"call","id":1,"method":"stop"}', {error: expect.stringMatching(/at args/)}],
		['{"type":"hello","version":1,"logTail":100001}', {error: expect.stringMatching(/at logTail/)}],
		['{"type":"hello","version":1,"extra":true}', {error: expect.stringMatching(/^a frame is not a hello or a call/)}],
		['{"type":"shutdown"}', {error: expect.stringMatching(/^a frame is not a hello or a call/)}],
	])('%s', (line, expected) => {
		expect(parseClientFrame(line)).toEqual(expected);
	});
});

describe('who may hold the control socket', () => {
	const me = 1000;
	const folder = (mode: number, uid = me, kind: 'dir' | 'link' | 'file' = 'dir') => ({mode, uid, isDirectory: () => kind === 'dir', isSymbolicLink: () => kind === 'link'});
	it.each([
		['a home of ours, 0755', {mode: 0o755, uid: me}, null],
		['a home of ours, 0700', {mode: 0o700, uid: me}, null],
		['a group-writable home', {mode: 0o775, uid: me}, 'run `chmod go-w /h`'],
		['a world-writable home', {mode: 0o777, uid: me}, 'run `chmod go-w /h`'],
		["another user's home", {mode: 0o755, uid: 0}, 'belongs to another user (uid 0)'],
	])('%s', (_what, stat, problem) => {
		const found = homeProblem('/h', stat, me);
		if (problem === null) expect(found).toBeNull();
		else expect(found).toContain(problem);
	});

	it.each([
		['an owner-only folder', folder(0o700), null],
		['a folder others can read', folder(0o750), 'run `chmod 700 /h/control`'],
		['a folder others can write', folder(0o777), 'run `chmod 700 /h/control`'],
		['a symlink', folder(0o777, me, 'link'), 'is not a folder'],
		['a file', folder(0o600, me, 'file'), 'is not a folder'],
		["another user's folder", folder(0o700, 0), 'belongs to another user'],
	])('%s', (_what, stat, problem) => {
		const found = controlDirProblem('/h/control', stat, me);
		if (problem === null) expect(found).toBeNull();
		else expect(found).toContain(problem);
	});
});

describe('the control socket path', () => {
	it('is refused when longer than a Unix socket path may be, with what to do', () => {
		const home = `/tmp/${'x'.repeat(100)}`;
		expect(() => prepareControlDir(homePaths(home))).toThrow(ControlDirError);
		expect(() => prepareControlDir(homePaths(home))).toThrow(/is 123 bytes long, more than a Unix socket path may be \(103\): use a shorter home \(--home PATH\)$/);
	});
});
