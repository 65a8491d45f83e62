// The lines of the details overlay for each kind of row (pure): a group, a run, a sub-agent, a
// task, a mount request, a web request.
import {describeRequest, describeSummary} from '../llm/llm-stats.js';
import type {LogStore} from '../log-store.js';
import type {HostSnapshot, MountRequestView, RunOutputView, TaskView, WebRequestView} from '../api/host-api.js';
import type {ContainerRun} from '../api/types.js';
import {localTime, misfireText, sandboxLabel} from './format.js';
import {keyHint, keysOf} from './keymap.js';
import {subagentState, type ContainerRow, type GroupRow} from './panes/rows.js';

const notKept = 'not kept (a run of an earlier host)';
const indent = (lines: string[] | undefined, none: string) => (lines?.length ? lines.map((line) => `  ${line}`) : [`  ${none}`]);

/** A registered group (or main's self-chat row): its settings, mounts and sandbox check. */
export function groupLines(row: Exclude<GroupRow, {kind: 'chat'}>, snapshot: HostSnapshot): string[] {
	const {group} = row;
	return [
		`jid: ${group.jid}`,
		...(row.kind === 'self' ? [`also: your WhatsApp self-chat ${row.chat.jid} (its messages go to ${group.folder})`] : []),
		`folder: ${group.folder}${group.isMain ? ' (main)' : ''}`,
		`answers: ${group.isMain || !group.requiresTrigger ? 'every message' : `after ${group.trigger}`}`,
		`network: ${group.network ? 'yes' : 'no'}`,
		`added: ${group.addedAt}`,
		'extra mounts:',
		...(group.extraMounts.length ? group.extraMounts.map((mount) => `  ${mount.hostPath} → ${mount.containerPath ?? '(default)'} ${mount.readonly === false ? 'rw' : 'ro'}`) : ['  none']),
		...sandboxLines(snapshot, group.folder),
	];
}

/** The group's sandbox check, line by line (as `babybot-tui sandbox check` prints it). */
export function sandboxLines(snapshot: HostSnapshot, folder: string): string[] {
	const label = sandboxLabel(snapshot, folder).text;
	const verdict = snapshot.sandboxChecks[folder];
	const heading = `sandbox check: ${label}${verdict?.checkedAt ? ` (${snapshot.runtime.name}, ${verdict.checkedAt})` : ''}`;
	if (!snapshot.runtime.sandboxed) return [heading, '  agents run on this machine without a sandbox'];
	if (!verdict) return [heading, `  not run yet: \`babybot-tui sandbox check --group ${folder}\` runs it`];
	return [heading, ...(verdict.lines.length > 0 ? verdict.lines : [verdict.reason ?? 'under way']).map((text) => `  ${text}`)];
}

/** A run's model requests: the run's totals, then its last requests one per line. */
export function modelLines(tail: RunOutputView | undefined): string[] {
	if (!tail) return [`  ${notKept}`];
	const llm = tail.llm;
	if (!llm) return ['  no requests yet'];
	const first = llm.requests - llm.last.length + 1;
	return [`  ${describeSummary(llm)}`, ...llm.last.map((stats, index) => `  #${first + index} ${describeRequest(stats)}`)];
}

/** The newest host log lines (of the last 5,000) that name the run. */
function runLogLines(run: ContainerRun, logs: LogStore): string[] {
	const recent: string[] = [];
	for (let index = logs.size - 1; index >= 0 && recent.length < 15 && index >= logs.size - 5000; index--) {
		const line = logs.at(index);
		if (line && (line.fields.includes(run.id) || line.fields.includes(run.containerName) || line.msg.includes(run.containerName))) recent.unshift(`  ${line.msg} ${line.fields}`);
	}
	return recent;
}

export function runLines(run: ContainerRun, tail: RunOutputView | undefined, logs: LogStore): string[] {
	const recent = runLogLines(run, logs);
	return [
		`group: ${run.groupFolder} · runtime: ${run.runtime} · state: ${run.state}${run.endReason ? ` (${run.endReason})` : ''}`,
		`started: ${run.startedAt} · last output: ${run.lastOutputAt ?? '-'} · ended: ${run.endedAt ?? '-'}`,
		...(run.error ? [`error: ${run.error}`] : []),
		'model:',
		...modelLines(tail),
		'mounts:',
		...(run.mounts.length ? run.mounts.map((mount) => `  ${mount.hostPath} → ${mount.containerPath} ${mount.readonly ? 'ro' : 'rw'}`) : ['  none']),
		'argv:',
		`  ${run.argv.join(' ')}`,
		'recent agent output:',
		...indent(tail?.output, tail ? 'none yet' : notKept),
		'stderr (tail):',
		...indent(tail?.stderr, tail ? 'empty' : notKept),
		...(tail?.thinking ? ['thinking (kept here only, never sent to a chat):', ...indent(tail.thinking, '')] : []),
		'host log lines about this run:',
		...(recent.length ? recent : ['  none']),
	];
}

export function subagentLines({run, subagent}: Extract<ContainerRow, {kind: 'subagent'}>, tail: RunOutputView | undefined): string[] {
	const transcript = tail?.subagents?.[subagent.id];
	return [
		`run: ${run.containerName} (${run.groupFolder}) · state: ${subagentState(subagent)}`,
		`rounds: ${subagent.rounds} · tokens: ${subagent.tokens} · started: ${subagent.startedAt} · last update: ${subagent.updatedAt}`,
		...(subagent.state === 'running' ? [keyHint('run.kill', 'on its row kills it (the run goes on)')] : []),
		'transcript:',
		...(transcript?.length ? transcript.map((line) => `  ${line}`) : [`  ${notKept}`]),
	];
}

export function taskLines(task: TaskView, timezone: string): string[] {
	return [
		`group: ${task.groupFolder} (${task.chatJid})`,
		`schedule: ${task.scheduleType} ${task.scheduleValue} · context ${task.contextMode} · ${task.status}`,
		`missed runs: ${task.misfire} (${misfireText[task.misfire]})`,
		`next runs: ${task.upcoming.length ? task.upcoming.map((at) => localTime(at, timezone)).join(' · ') : '-'} · last run: ${task.lastRun ?? '-'}`,
		'prompt:',
		...task.prompt.split('\n').map((line) => `  ${line}`),
		'last result:',
		...(task.lastResult ?? '-').split('\n').map((line) => `  ${line}`),
	];
}

export function mountRequestLines(request: MountRequestView): string[] {
	return [
		`group: ${request.groupFolder}`,
		`asked for: ${request.hostPath}`,
		`real path (what approval allows): ${request.realPath ?? '(did not resolve)'}`,
		`container path: ${request.containerPath ?? '(default)'}`,
		`wants: ${request.readonly ? 'read-only' : 'read-write'} · from ${request.source} · ${request.createdAt}`,
		`why it waits: ${request.reason ?? '-'}`,
		`${keyHint('access.approve', 'approve')} (${keysOf('approve.ro')} read-only / ${keysOf('approve.rw')} read-write for this group, ${keysOf('approve.ro.all')} / ${keysOf('approve.rw.all')} for all groups) · ${keyHint('access.reject', 'reject')}`,
	];
}

/** A waiting web request, with the earlier decisions for its host. */
export function hostRequestLines(request: WebRequestView, snapshot: HostSnapshot): string[] {
	const decided = snapshot.web.requests.filter((other) => other.host === request.host && other.status !== 'pending');
	return [
		`group: ${request.groupFolder}`,
		`url: ${request.url}`,
		`host: ${request.host} · asked ${request.createdAt}`,
		`why it waits: ${request.reason}`,
		`${keyHint('access.approve', 'approve')} (${keysOf('approveHost.once')} once / ${keysOf('approveHost.group')} this group / ${keysOf('approveHost.all')} all groups) · ${keyHint('access.reject', 'reject')}`,
		'earlier decisions for this host:',
		...(decided.length ? decided.map((other) => `  #${other.id} ${other.groupFolder} ${other.status}${other.scope ? ` (${other.scope})` : ''} by ${other.decidedBy ?? '-'} at ${other.decidedAt ?? '-'}`) : ['  none']),
	];
}
