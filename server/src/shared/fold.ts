/** Lower case without accents ("Città" → "citta"): words compared whatever their accents and case. */
export const foldAccents = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
