import fs from 'node:fs';
import path from 'node:path';

export const selfPhone = '4915123456789';

/** Writes credentials shaped like a completed pairing (what `hasPairedCredentials` looks for). */
export function writePairedCredentials(authDir: string): void {
	fs.mkdirSync(authDir, {recursive: true});
	fs.writeFileSync(path.join(authDir, 'creds.json'), JSON.stringify({me: {id: `${selfPhone}:7@s.whatsapp.net`}, account: {details: 'x'}}));
}
