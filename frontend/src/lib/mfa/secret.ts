/** A base32 secret in groups of four, easier to type into an authenticator app: "JBSW Y3DP EHPK 3PXP". */
export function groupSecret(secret: string): string {
	return (secret.replace(/\s+/g, '').toUpperCase().match(/.{1,4}/g) ?? []).join(' ');
}

/** What the code field holds: six digits (spaces ignored), or null. */
export function totpCode(typed: string): string | null {
	const code = typed.replace(/\s+/g, '');
	return /^\d{6}$/.test(code) ? code : null;
}

/** The SVG path of a QR code's dark modules, one unit square each. */
export function qrPath(modules: boolean[][]): string {
	let d = '';
	modules.forEach((row, y) =>
		row.forEach((dark, x) => {
			if (dark) d += `M${x} ${y}h1v1h-1z`;
		})
	);
	return d;
}
