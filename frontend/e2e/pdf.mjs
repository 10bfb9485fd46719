// A small valid PDF made on the fly for the tests: a few A4 pages with a
// title, lines of text and some shapes, and an exact cross-reference table
// (the server checks every offset).

/** @param {{ title: string, pages?: number }} opts */
export function makePdf({ title, pages = 3 }) {
	const ascii = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').replace(/[()\\]/g, '');
	const objects = [];
	const add = (body) => {
		objects.push(body);
		return objects.length;
	};
	const catalog = add(''); // filled below
	const pagesId = add('');
	const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
	const kids = [];
	for (let p = 1; p <= pages; p++) {
		const lines = [
			'0.11 0.23 0.42 rg 56 760 483 36 re f',
			'BT /F1 16 Tf 1 1 1 rg 68 772 Td (' + ascii(title) + ') Tj ET',
			'BT /F1 12 Tf 0 0 0 rg 56 720 Td (Trang ' + p + ' / ' + pages + ') Tj ET'
		];
		for (let i = 0; i < 18; i++) {
			lines.push(`0.8 0.82 0.86 rg 56 ${680 - i * 30} ${483 - (i % 4) * 60} 10 re f`);
		}
		const stream = lines.join('\n');
		const content = add(`<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`);
		kids.push(
			add(`<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`)
		);
	}
	objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R >>`;
	objects[pagesId - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;

	let out = '%PDF-1.7\n%\xE2\xE3\xCF\xD3\n';
	const offsets = [];
	objects.forEach((body, i) => {
		offsets.push(Buffer.byteLength(out, 'latin1'));
		out += `${i + 1} 0 obj\n${body}\nendobj\n`;
	});
	const xref = Buffer.byteLength(out, 'latin1');
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}
