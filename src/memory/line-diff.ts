// A line diff of two texts (longest common subsequence), shown as `- ` removed, `+ ` added and
// `  ` unchanged lines around the changes, for the operator to compare memory versions.

export interface DiffLine {
	kind: '-' | '+' | ' ';
	text: string;
}

/** Lines past this many (after the common start and end) are compared as wholly changed. */
const maxComparedLines = 1000;

export function lineDiff(before: string, after: string): DiffLine[] {
	const a = before.split('\n');
	const b = after.split('\n');
	let start = 0;
	while (start < a.length && start < b.length && a[start] === b[start]) start++;
	let end = 0;
	while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
	const same = (lines: string[]) => lines.map((text): DiffLine => ({kind: ' ', text}));
	return [...same(a.slice(0, start)), ...middle(a.slice(start, a.length - end), b.slice(start, b.length - end)), ...same(a.slice(a.length - end))];
}

function middle(a: string[], b: string[]): DiffLine[] {
	if (a.length > maxComparedLines || b.length > maxComparedLines || a.length === 0 || b.length === 0) {
		return [...a.map((text): DiffLine => ({kind: '-', text})), ...b.map((text): DiffLine => ({kind: '+', text}))];
	}
	const width = b.length + 1;
	// lcs[i * width + j]: the longest common subsequence of a[i..] and b[j..].
	const lcs = new Uint16Array((a.length + 1) * width);
	for (let i = a.length - 1; i >= 0; i--) {
		for (let j = b.length - 1; j >= 0; j--) {
			lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
		}
	}
	const out: DiffLine[] = [];
	let i = 0;
	let j = 0;
	while (i < a.length && j < b.length) {
		if (a[i] === b[j]) {
			out.push({kind: ' ', text: a[i++]});
			j++;
		} else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) out.push({kind: '-', text: a[i++]});
		else out.push({kind: '+', text: b[j++]});
	}
	while (i < a.length) out.push({kind: '-', text: a[i++]});
	while (j < b.length) out.push({kind: '+', text: b[j++]});
	return out;
}

/**
 * The changed lines with `context` unchanged lines around each change; a run of more than `maxRun`
 * removed (or added) lines shows its first ones and how many more; at most `maxLines` in all.
 */
export function showDiff(before: string, after: string, options: {context?: number; maxRun?: number; maxLines?: number} = {}): string[] {
	const context = options.context ?? 2;
	const maxRun = options.maxRun ?? 12;
	const maxLines = options.maxLines ?? 200;
	const lines = lineDiff(before, after);
	const near = lines.map(() => false);
	lines.forEach((line, index) => {
		if (line.kind === ' ') return;
		for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k++) near[k] = true;
	});
	if (!near.includes(true)) return [];
	const shown: string[] = [];
	let run = 0;
	lines.forEach((line, index) => {
		run = index > 0 && line.kind !== ' ' && lines[index - 1].kind === line.kind ? run + 1 : 1;
		if (!near[index]) {
			if (shown.at(-1) !== '…') shown.push('…');
		} else if (line.kind === ' ' || run <= maxRun) {
			shown.push(`${line.kind} ${line.text}`);
		} else if (run === maxRun + 1) {
			let more = 0;
			while (lines[index + more]?.kind === line.kind) more++;
			shown.push(`… ${more} more ${line.kind === '-' ? 'removed' : 'added'} lines`);
		}
	});
	if (shown.length <= maxLines) return shown;
	return [...shown.slice(0, maxLines), `… ${shown.length - maxLines} more lines of the diff not shown`];
}
