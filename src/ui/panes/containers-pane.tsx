import type {SubagentView} from '../../api/host-api.js';
import type {ContainerRun} from '../../api/types.js';
import {Table, type Column} from '../components/table.js';
import {runLimitState, since} from '../format.js';
import type {PaneProps} from './pane-props.js';
import {containerRows, type ContainerRow} from './rows.js';

export function ContainersPane({snapshot, filter, cursor, width, height, now}: PaneProps) {
	const rows = containerRows(snapshot, filter);
	const limitOf = (run: ContainerRun) => runLimitState(run, snapshot.limits, now);
	const runState = (run: ContainerRun) => {
		const limit = limitOf(run);
		if (limit === 'hard-limit') return `${run.state} OVER HARD LIMIT`;
		if (limit === 'idle-limit') return `${run.state} OVER IDLE LIMIT`;
		return run.state === 'ended' ? `ended (${run.endReason ?? '?'})` : run.state;
	};
	// A sub-agent row: its name under the run, then rounds, tokens and what it last said or did (or why it stopped).
	const cell = (run: (run: ContainerRun) => string, subagent: (subagent: SubagentView) => string) => (row: ContainerRow) => (row.kind === 'run' ? run(row.run) : subagent(row.subagent));
	const columns: Column<ContainerRow>[] = [
		{header: 'GROUP', width: 14, cell: cell((r) => r.groupFolder, (s) => ` └ ${s.name}`)},
		{header: 'RUNTIME', width: 9, cell: cell((r) => r.runtime, () => 'sub-agent')},
		{header: 'NAME', width: 20, flex: true, cell: cell((r) => r.containerName, (s) => `${s.rounds} rounds · ${s.tokens} tokens · ${s.state !== 'done' && s.error ? s.error : s.lastOutput || '-'}`)},
		{header: 'AGE', width: 7, cell: cell((r) => since(r.startedAt, r.endedAt ? Date.parse(r.endedAt) : now), (s) => since(s.startedAt, s.state === 'running' ? now : Date.parse(s.updatedAt)))},
		{header: 'OUTPUT', width: 7, cell: cell((r) => (r.state === 'ended' ? '-' : since(r.lastOutputAt ?? r.startedAt, now)), (s) => (s.state === 'running' ? since(s.updatedAt, now) : '-'))},
		{header: 'STATE', width: 24, cell: cell(runState, (s) => s.state)},
	];
	return (
		<Table
			columns={columns}
			rows={rows}
			cursor={cursor}
			width={width}
			height={height}
			rowColor={(row) => {
				if (row.kind === 'subagent') return row.subagent.state === 'running' ? 'cyan' : row.subagent.state === 'done' ? 'gray' : 'yellow';
				const limit = limitOf(row.run);
				if (limit === 'hard-limit') return 'red';
				if (limit === 'idle-limit') return 'yellow';
				return row.run.state === 'ended' ? 'gray' : undefined;
			}}
			empty="no runs yet"
		/>
	);
}
