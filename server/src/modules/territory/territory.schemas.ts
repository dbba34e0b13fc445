import { Type } from '../../shared/schema.ts';
import { Nullable } from '../../shared/schema.ts';

const Int = Type.Integer({ format: 'int32' });
const Euros = Type.Number({ description: 'Euro' });
export const ProvinceQuery = Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', description: 'Sigla della provincia' }));
export const SizeClassQuery = Type.Optional(Type.String({ enum: ['fino-5000', '5000-15000', 'oltre-15000'] }));

const ComuneFigures = Type.Object({
  istat: Type.String(),
  name: Type.String(),
  province: Type.String(),
  sizeClass: Nullable(Type.String()),
  population: Nullable(Int),
  openCalls: Type.Integer({ description: 'Bandi aperti utilizzabili oggi' }),
  availableAmount: Euros,
  availablePerInhabitant: Nullable(Euros),
  fundsObtained: Type.Number({ description: 'Fondi PNRR ottenuti (assegnati o erogati), euro' }),
  fundsPerInhabitant: Nullable(Euros),
  unfundedItems: Type.Integer({ description: 'Interventi programmati senza finanziamento' }),
  hasUsers: Type.Boolean({ description: 'Almeno un utente attivo del comune o di un’aggregazione di cui fa parte' }),
});

const AreaSummary = Type.Object({
  key: Type.String({ description: 'Sigla della provincia, codice della regione o della classe dimensionale' }),
  name: Type.String({ description: 'Il nome dell’area come lo legge chi usa il sito' }),
  comuni: Int,
  population: Type.Integer(),
  comuniWithOpenCalls: Int,
  availableAmount: Euros,
  availablePerInhabitant: Nullable(Euros),
  fundsObtained: Euros,
  fundsPerInhabitant: Nullable(Euros),
  comuniWithFunds: Int,
  unfundedItems: Int,
  unfundedCost: Euros,
  comuniWithoutUsers: Int,
});

export const TerritoryMap = Type.Object(
  { comuni: Type.Array(ComuneFigures), provinces: Type.Array(AreaSummary), region: AreaSummary },
  { $id: 'TerritoryMap' },
);

const MapOutline = Type.Object({
  id: Type.String({ pattern: '^([0-9]{6}|[A-Z]{2})$', description: 'Codice ISTAT del comune o sigla della provincia' }),
  name: Type.String({ maxLength: 200 }),
  province: Type.String({ pattern: '^[A-Z]{2}$', description: 'Sigla della provincia' }),
  d: Type.String({ pattern: '^[Mml0-9 .z-]*$', description: 'Il contorno come dati di un percorso SVG nel riquadro della mappa' }),
});

export const MapOutlines = Type.Object(
  {
    width: Type.Integer({ description: 'Larghezza del riquadro della mappa, in unità SVG' }),
    height: Type.Integer({ description: 'Altezza del riquadro della mappa, in unità SVG' }),
    comuni: Type.Array(MapOutline),
    provinces: Type.Array(MapOutline),
  },
  { $id: 'MapOutlines' },
);

export const FundsObtained = Type.Object(
  {
    area: AreaSummary,
    bySizeClass: Type.Array(AreaSummary),
    byMeasure: Type.Array(
      Type.Object({
        measureCode: Type.String(),
        measureName: Nullable(Type.String()),
        comuni: Int,
        share: Type.Number({ description: 'Quota dei comuni che l’hanno ottenuta, da 0 a 1' }),
        amount: Euros,
        perInhabitant: Nullable(Euros),
      }),
    ),
  },
  { $id: 'FundsObtained' },
);

const NeedsCell = Type.Object({
  theme: Type.String(),
  themeLabel: Type.String(),
  province: Nullable(Type.String()),
  sizeClass: Nullable(Type.String()),
  comuni: Nullable(Int),
  items: Nullable(Int),
  unfundedCost: Nullable(Euros),
  openCalls: Int,
  estimatedAmount: Nullable(Euros),
  suppressed: Type.Boolean({ description: 'Meno di 3 comuni dietro la cella: i valori sono nascosti' }),
});

export const NeedsReport = Type.Object(
  {
    minimumComuni: Int,
    cells: Type.Array(NeedsCell),
    byTheme: Type.Array(NeedsCell),
    withoutCall: Type.Array(NeedsCell),
  },
  { $id: 'NeedsReport' },
);
