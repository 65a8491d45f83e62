import type {ContainerRun} from '../../api/types.js';
import {Table, type Column} from '../components/table.js';
import {runLimitState, since} from '../format.js';
import type {PaneProps} from './pane-props.js';
import {runRows} from './rows.js';

export function ContainersPane({snapshot, filter, cursor, width, height, now}: PaneProps) {
	const rows = runRows(snapshot, filter);
	const limitOf = (run: ContainerRun) => runLimitState(run, snapshot.limits, now);
	const columns: Column<ContainerRun>[] = [
		{header: 'GROUP', width: 14, cell: (run) => run.groupFolder},
		{header: 'RUNTIME', width: 9, cell: (run) => run.runtime},
		{header: 'NAME', width: 20, flex: true, cell: (run) => run.containerName},
		{header: 'AGE', width: 7, cell: (run) => since(run.startedAt, run.endedAt ? Date.parse(run.endedAt) : now)},
		{header: 'OUTPUT', width: 7, cell: (run) => (run.state === 'ended' ? '-' : since(run.lastOutputAt ?? run.startedAt, now))},
		{
			header: 'STATE',
			width: 24,
			cell: (run) => {
				const limit = limitOf(run);
				if (limit === 'hard-limit') return `${run.state} OVER HARD LIMIT`;
				if (limit === 'idle-limit') return `${run.state} OVER IDLE LIMIT`;
				return run.state === 'ended' ? `ended (${run.endReason ?? '?'})` : run.state;
			},
		},
	];
	return (
		<Table
			columns={columns}
			rows={rows}
			cursor={cursor}
			width={width}
			height={height}
			rowColor={(run) => {
				const limit = limitOf(run);
				if (limit === 'hard-limit') return 'red';
				if (limit === 'idle-limit') return 'yellow';
				return run.state === 'ended' ? 'gray' : undefined;
			}}
			empty="no runs yet"
		/>
	);
}
