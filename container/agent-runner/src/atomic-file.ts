import fs from 'node:fs/promises';
import path from 'node:path';

/** Writes `content` to a `.tmp-<name>` file beside `file`, then renames it into place. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
	const dir = path.dirname(file);
	await fs.mkdir(dir, {recursive: true});
	const temp = path.join(dir, `.tmp-${path.basename(file)}`);
	await fs.writeFile(temp, content);
	await fs.rename(temp, file);
}
