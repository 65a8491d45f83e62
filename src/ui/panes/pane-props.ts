import type {HostSnapshot} from '../../host/host-api.js';

export interface PaneProps {
	snapshot: HostSnapshot;
	filter: string;
	cursor: number;
	width: number;
	height: number;
	now: number;
}
