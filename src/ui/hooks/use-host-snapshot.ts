import {useEffect, useState} from 'react';
import type {HostApi, HostSnapshot} from '../../api/host-api.js';

/** The host's snapshot, refetched once per burst of `change` events. */
export function useHostSnapshot(host: HostApi): HostSnapshot {
	const [snapshot, setSnapshot] = useState(() => host.snapshot());
	useEffect(() => {
		let scheduled: NodeJS.Timeout | undefined;
		const unsubscribe = host.events.on('change', () => {
			scheduled ??= setTimeout(() => {
				scheduled = undefined;
				setSnapshot(host.snapshot());
			}, 0);
		});
		return () => {
			unsubscribe();
			if (scheduled) clearTimeout(scheduled);
		};
	}, [host]);
	return snapshot;
}
