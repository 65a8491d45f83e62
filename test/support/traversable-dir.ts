import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A fresh temp folder, traversable (not listable) like a home folder, so a root host's
 * none-runtime agent (uid 1000) reaches its group under it. The caller removes it.
 */
export function traversableTempDir(prefix: string): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	fs.chmodSync(dir, 0o711);
	return dir;
}
