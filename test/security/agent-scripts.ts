// What the hostile agent runs inside its sandbox: small Node programs (the image has Node), sent as
// one bash call each. They only use what any agent has: /workspace/ipc and /workspace/group. Each
// prints one `RESULT {…}` line that the test reads from the tool result.
import type {ScriptedToolCall} from '../support/ollama-server.js';
import {bash} from './support.js';

/** Shared helpers: write a request as the agent-runner does, wait for acks, report. */
const prelude = String.raw`
import fs from 'node:fs';
import path from 'node:path';
const ipc = '/workspace/ipc';
const params = JSON.parse(process.argv[2] ?? '{}');
const until = Date.now() + (params.deadlineMs ?? 15000);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const spin = (ms) => { const end = performance.now() + ms; while (performance.now() < end); };
const report = (result) => console.log('RESULT ' + JSON.stringify(result));
function drop(kind, name, body) {
	const temp = path.join(ipc, kind, '.tmp-' + name);
	fs.writeFileSync(temp, typeof body === 'string' ? body : JSON.stringify(body));
	fs.renameSync(temp, path.join(ipc, kind, name));
}
function readAck(name) {
	const file = path.join(ipc, 'acks', name);
	try {
		const ack = JSON.parse(fs.readFileSync(file, 'utf8'));
		try { fs.rmSync(file); } catch {}
		return ack;
	} catch { return null; }
}
async function acksFor(names, timeoutMs) {
	const found = new Map();
	const deadline = Date.now() + timeoutMs;
	while (found.size < names.length && Date.now() < deadline) {
		for (const name of names) if (!found.has(name)) { const ack = readAck(name); if (ack) found.set(name, ack); }
		if (found.size < names.length) await sleep(20);
	}
	return found;
}
const masked = (text) => String(text).replace(/\d+/g, 'N').slice(0, 160);
`;

let scripts = 0;

/** The shell command that runs `body` (an ES module using the prelude) with `params` as JSON. */
export function nodeCommand(body: string, params: Record<string, unknown>): string {
	const file = `/tmp/attack-${++scripts}.mjs`;
	const json = JSON.stringify(params).replace(/'/g, `'\\''`);
	return `cat > ${file} <<'ATTACK_SCRIPT_END'\n${prelude}\n${body}\nATTACK_SCRIPT_END\nnode ${file} '${json}'`;
}

/** One bash call running `body` with `params`. */
export function nodeCall(body: string, params: Record<string, unknown>, timeoutMs: number): ScriptedToolCall {
	return bash(nodeCommand(body, params), timeoutMs);
}

/** One bash call running several commands at the same time; their outputs follow in order. */
export function together(commands: string[], timeoutMs: number): ScriptedToolCall {
	const started = commands.map((command, i) => `(\n${command}\n) > /tmp/together-${i}.out 2>&1 &`);
	const shown = commands.map((_, i) => `cat /tmp/together-${i}.out`);
	return bash([...started, 'wait', ...shown].join('\n'), timeoutMs);
}

/**
 * Writes `count` requests of one kind in batches (each below the pending-file bound, so the rate
 * limits are what answers), waits for each batch's acks, and tallies them.
 * params: kind, prefix, count, batch, body (JSON with "{i}" replaced by the index), ackTimeoutMs.
 */
export const flood = String.raw`
const tally = {sent: 0, ok: 0, tooMany: 0, other: 0, missing: 0, otherErrors: [], okResults: []};
const template = JSON.stringify(params.body);
for (let start = 0; start < params.count && Date.now() < until; start += params.batch) {
	const names = [];
	for (let i = start; i < Math.min(params.count, start + params.batch); i++) {
		const name = params.prefix + '-' + String(i).padStart(6, '0') + '.json';
		drop(params.kind, name, template.replaceAll('{i}', String(i)));
		names.push(name);
	}
	tally.sent += names.length;
	const acks = await acksFor(names, params.ackTimeoutMs);
	for (const name of names) {
		const ack = acks.get(name);
		if (!ack) tally.missing++;
		else if (ack.ok) { tally.ok++; if (tally.okResults.length < 3) tally.okResults.push(ack.result); }
		else if (/too many/i.test(ack.error)) tally.tooMany++;
		else { tally.other++; if (tally.otherErrors.length < 5 && !tally.otherErrors.includes(ack.error)) tally.otherErrors.push(ack.error); }
	}
}
report(tally);
`;

/**
 * A request that is empty when created and grows right after past the size bound (valid JSON once
 * complete), tried again and again: any ok ack means the host accepted an oversized request.
 * params: bytes, maxTries, maxDelayMs.
 */
export const growingRequest = String.raw`
const full = Buffer.from(JSON.stringify({type: 'list_tasks', pad: 'x'.repeat(params.bytes)}));
const tally = {tries: 0, accepted: 0, refused: 0, missing: 0, reasons: {}, size: full.length};
while (tally.tries < params.maxTries && Date.now() < until) {
	const name = 'grow-' + tally.tries++ + '.json';
	const fd = fs.openSync(path.join(ipc, 'requests', name), 'w');
	spin(Math.random() * params.maxDelayMs);
	for (let at = 0; at < full.length; at += 256 * 1024) fs.writeSync(fd, full, at, Math.min(256 * 1024, full.length - at));
	fs.closeSync(fd);
	const ack = (await acksFor([name], 5000)).get(name);
	if (!ack) tally.missing++;
	else if (ack.ok) tally.accepted++;
	else { tally.refused++; const key = masked(ack.error); tally.reasons[key] = (tally.reasons[key] ?? 0) + 1; }
}
report(tally);
`;

/**
 * Swaps a folder of /workspace/ipc with a symlink and back, atomically (renameat2 with
 * RENAME_EXCHANGE, from Perl, which the image has), in a loop until the deadline, rotating over
 * `targets` (host paths, as the host would resolve them). Stops early when the folder cannot be
 * exchanged at all (a mount point, read-only).
 */
export function exchangeLoop(params: {dir: string; deadlineMs: number; holdUs: number; targets: string[]}): string {
	const args = [params.dir, String(params.holdUs), String(params.deadlineMs / 1000), ...params.targets].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`);
	return `cat > /tmp/exchange.pl <<'ATTACK_SCRIPT_END'\n${exchangePerl}\nATTACK_SCRIPT_END\nperl /tmp/exchange.pl ${args.join(' ')}`;
}

const exchangePerl = String.raw`
use strict; use warnings; use Time::HiRes qw(time);
my ($dir, $hold_us, $deadline_s, @targets) = @ARGV;
chdir '/workspace/ipc' or die "cd: $!";
my $renameat2 = (qx(uname -m) =~ /aarch64/) ? 276 : 316;
my ($real, $link) = ($dir, "$dir.link");
my $until = time + $deadline_s;
my ($swaps, $failures, %errors) = (0, 0);
my $hold = sub { my $end = time + rand($hold_us) / 1e6; 1 while time < $end; };
while (time < $until) {
	unlink $link;
	symlink($targets[$swaps % @targets], $link) or do { $errors{"symlink: $!"}++; last };
	if (syscall($renameat2, -100, $real, -100, $link, 2) != 0) {
		$failures++; $errors{"$!"}++;
		last if $swaps == 0 && $failures >= 50;
		next;
	}
	$hold->();
	if (syscall($renameat2, -100, $real, -100, $link, 2) != 0) {
		# Today's host may move the real folder away (it takes acks.link for a stray file): make a new one.
		$errors{"back: $!"}++;
		unlink $real if -l $real;
		mkdir $real unless -d $real;
	}
	$swaps++;
	$hold->();
}
unlink $link if -l $link;
printf "RESULT {\"swaps\":%d,\"failures\":%d,\"errors\":\"%s\"}\n", $swaps, $failures, join('; ', map { "$_ x$errors{$_}" } sort keys %errors);
`;

/**
 * Keeps up to params.pending requests waiting in params.kind, named params.names in turn (each
 * only while no file of that name waits) and otherwise unique, with params.body; stops at the deadline.
 */
export const keepRequesting = String.raw`
const kindDir = path.join(ipc, params.kind);
const tally = {written: 0, errors: 0};
for (let i = 0; Date.now() < until; i++) {
	let pending = 0;
	try { pending = fs.readdirSync(kindDir).length; } catch {}
	if (pending >= params.pending) { await sleep(2); continue; }
	const special = params.names[i % params.names.length];
	const name = i % 3 === 0 && !fs.existsSync(path.join(kindDir, special)) ? special : 'x-' + i + '.json';
	try { drop(params.kind, name, params.body); tally.written++; } catch { tally.errors++; await sleep(2); }
}
report(tally);
`;

/**
 * While the host handles paced send_message requests of this folder, drops a bait name into
 * messages/ and swaps messages/ for a relative symlink into the host's store, again and again.
 * params: chatJid, rounds [{target, bait}], holdMs, sendsPerTry.
 */
export const baitAndSwap = String.raw`
const messages = path.join(ipc, 'messages');
const aside = messages + '.real';
const tally = {tries: 0, swaps: 0, failures: 0, errors: {}};
while (Date.now() < until) {
	const {target, bait} = params.rounds[tally.tries++ % params.rounds.length];
	try {
		// (Today's host may even move the folder itself away into its errors: make it again.)
		fs.mkdirSync(messages, {recursive: true});
		// Below the host's bound on waiting files, so the sends are read (and keep the host busy here).
		const waiting = fs.readdirSync(messages).length;
		for (let k = 0; k < params.sendsPerTry && waiting < 100; k++) drop('messages', 's-' + tally.tries + '-' + k + '.json', {type: 'message', chatJid: params.chatJid, text: 'paced ' + tally.tries});
		fs.writeFileSync(path.join(messages, bait), '{"bait": true}');
	} catch (error) { tally.errors[error.code] = (tally.errors[error.code] ?? 0) + 1; continue; }
	try { fs.renameSync(messages, aside); } catch (error) {
		tally.failures++; tally.errors[error.code] = (tally.errors[error.code] ?? 0) + 1;
		try { fs.unlinkSync(path.join(messages, bait)); } catch {}
		// The folder cannot be moved (a mount point): keep trying, gently, until the deadline.
		await sleep(5);
		continue;
	}
	try { fs.symlinkSync(target, messages); spin(1 + Math.random() * params.holdMs); fs.unlinkSync(messages); }
	catch (error) { tally.errors[error.code] = (tally.errors[error.code] ?? 0) + 1; }
	try { fs.renameSync(aside, messages); } catch { fs.rmSync(messages, {recursive: true, force: true}); fs.renameSync(aside, messages); }
	tally.swaps++;
	try { fs.unlinkSync(path.join(messages, bait)); } catch {}
}
report(tally);
`;

/**
 * params.junk junk files over the three request folders, then a rename storm in messages/ for
 * params.stormMs and at least params.minRenames renames; markers in the group folder tell the test
 * when the storm runs.
 */
export const renameStorm = String.raw`
fs.writeFileSync('/workspace/group/storm-started', String(Date.now()));
const tally = {junk: 0, junkErrors: 0, renames: 0, renameErrors: 0};
const kinds = ['messages', 'tasks', 'requests'];
for (let i = 0; i < params.junk; i++) {
	try { fs.writeFileSync(path.join(ipc, kinds[i % 3], 'junk-' + i + '.json'), 'junk ' + i); tally.junk++; } catch { tally.junkErrors++; }
}
const names = ['storm-a', 'storm-b'].map((name) => path.join(ipc, 'messages', name));
const stormUntil = Date.now() + params.stormMs;
while (Date.now() < stormUntil || tally.renames < params.minRenames) {
	for (let k = 0; k < 1000; k++) {
		const from = names[tally.renames % 2];
		const to = names[(tally.renames + 1) % 2];
		try { fs.renameSync(from, to); } catch { try { fs.writeFileSync(to, 'x'); } catch { tally.renameErrors++; } }
		tally.renames++;
	}
}
fs.writeFileSync('/workspace/group/storm-ended', String(Date.now()));
report(tally);
`;

/** A folder nested past PATH_MAX in the group folder, made one relative step at a time. params: segments, segmentLength. */
export const deepTree = String.raw`
const seg = 'd'.repeat(params.segmentLength);
process.chdir('/workspace/group');
fs.mkdirSync('deep');
process.chdir('deep');
let depthChars = '/workspace/group/deep'.length;
for (let i = 0; i < params.segments; i++) { fs.mkdirSync(seg); process.chdir(seg); depthChars += seg.length + 1; }
fs.writeFileSync('bottom.txt', 'the bottom\n');
report({depthChars});
`;

/**
 * Many small files in the group folder, params.perDir a folder. Each folder's files are hard links
 * to its first one: as many names for the host to walk, made far faster than new files.
 */
export const manyFiles = String.raw`
let files = 0;
for (let d = 0; files < params.files; d++) {
	const dir = '/workspace/group/many/' + d;
	fs.mkdirSync(dir, {recursive: true});
	fs.writeFileSync(dir + '/0', 'x');
	files++;
	for (let f = 1; f < params.perDir && files < params.files; f++, files++) fs.linkSync(dir + '/0', dir + '/' + f);
}
report({files});
`;
