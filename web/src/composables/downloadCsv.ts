import { ApiError } from '@/api/client';
import { download } from './calendar';

/** Asks the API for the CSV of a list (Accept: text/csv) and saves it under a readable name. */
export async function downloadCsv(path: string, name: string): Promise<void> {
  const response = await fetch(path, { credentials: 'same-origin', headers: { accept: 'text/csv' } });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
  // The bytes as sent: decoding them as text would drop the BOM spreadsheets need to read UTF-8.
  download(name, await response.blob(), 'text/csv;charset=utf-8');
}
