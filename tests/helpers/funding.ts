const HEADER =
  'codice_ipa,ente,tipologia_ente,comune,cod_comune,provincia,cod_provincia,regione,cod_regione,importo_finanziamento,avviso,misura,misura_codice,data_invio_candidatura,data_finanziamento,codice_cup,numero_finestra_temporale,numero_di_protocollo,decreto_finanziamento,stato_candidatura,data_stato_candidatura,source_file,source_snapshot_date';

export interface AwardLine {
  istat: string;
  name: string;
  cup: string;
  measure: string;
  /** A funded, E paid, R renounced. */
  status?: 'A' | 'E' | 'R';
  fundedOn?: string;
  statusOn?: string;
  snapshot?: string;
}

/** A PA digitale 2026 funding-history file, in the publisher's merged format. */
export function fundingFile(...lines: AwardLine[]): string {
  const rows = lines.map((l) =>
    [
      'c_x000',
      `Comune di ${l.name}`,
      'Comuni',
      l.name,
      l.istat,
      'CR',
      '019',
      'Lombardia',
      '03',
      '32589.0',
      `${l.measure} Avviso di prova`,
      `${l.measure} Misura di prova`,
      l.measure,
      '2026-06-07T10:59:00.000+0000',
      l.fundedOn ?? '2026-10-01',
      l.cup,
      '1.0',
      '32.0',
      'Decreto n.99 - 2026 - PNRR',
      l.status ?? 'A',
      l.statusOn ?? l.fundedOn ?? '2026-10-01',
      'candidature_finanziate__2026-11-01.csv',
      l.snapshot ?? '2026-11-01',
    ].join(','),
  );
  return [HEADER, ...rows].join('\n') + '\n';
}
