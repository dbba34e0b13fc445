const cell = (value: string) => (/[";\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** `;`-separated UTF-8 with a BOM and CRLF, the way spreadsheet programs set to Italian open it. */
export function toCsv(headers: readonly string[], rows: (string | number | null)[][]): string {
  const lines = rows.map((row) => row.map((value) => cell(value === null ? '' : String(value))).join(';'));
  return '\uFEFF' + [headers.join(';'), ...lines].join('\r\n') + '\r\n';
}

/** Euros with a decimal comma, as Italian spreadsheets read them. */
export const csvEuros = (value: number | null) => (value === null ? '' : value.toFixed(2).replace('.', ','));
