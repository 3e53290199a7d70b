/**
 * Schedule-of-values templates by trade, with MasterFormat cost codes. A `work` trade (subcontract)
 * spreads its contract sum over its lines by weight; a `supply` trade (purchase order) prices each
 * line as quantity × unit price. Items marked `perArea` repeat for every area of the project (a
 * floor, an elevation, a roof area, an elevator car); `split` items may be billed as separate
 * Labor and Material lines when the SOV stays within 80 lines.
 */
export type AreaKind = 'floors' | 'elevations' | 'roofs' | 'cars';

export type WorkItem = {
  code: string;
  description: string;
  weight: number;
  perArea?: boolean;
  split?: boolean;
};

export type SupplyItem = {
  code: string;
  description: string;
  unit: string;
  /** Inclusive range; `decimals` 1 gives quantities like 24.6. */
  quantity: [number, number];
  decimals?: 0 | 1;
  unitPriceCents: [number, number];
  perArea?: boolean;
};

export type TradeTemplate =
  | { kind: 'work'; primaryCode: string; areaKind: AreaKind; items: WorkItem[] }
  | { kind: 'supply'; primaryCode: string; areaKind: AreaKind; items: SupplyItem[] };

export const ELEVATIONS = ['North elevation', 'East elevation', 'South elevation', 'West elevation'];

/** The lines every subcontract opens and closes with, under the trade's main cost code. */
export const GENERAL_OPENING: Omit<WorkItem, 'code'>[] = [
  { description: 'Mobilization', weight: 1.5 },
  { description: 'Bonds & insurance', weight: 1.2 },
  { description: 'Submittals, shop drawings & coordination', weight: 1 },
];
export const GENERAL_CLOSING: Omit<WorkItem, 'code'>[] = [
  { description: 'Punch list & demobilization', weight: 0.6 },
  { description: 'Closeout documents, O&M manuals & warranties', weight: 0.5 },
];

export const TRADES = {
  concrete: {
    kind: 'work',
    primaryCode: '03-3000',
    areaKind: 'floors',
    items: [
      { code: '03-1100', description: 'Footing & foundation formwork', weight: 4, split: true },
      { code: '03-2000', description: 'Reinforcing steel placement — foundations', weight: 3 },
      { code: '03-3000', description: 'Spread footings & grade beams', weight: 5, split: true },
      { code: '03-3000', description: 'Foundation walls', weight: 4 },
      { code: '03-3000', description: 'Slab on grade, 5 in. over vapor retarder', weight: 4 },
      { code: '03-1500', description: 'Embeds, anchor bolts & waterstops', weight: 0.8 },
      { code: '03-3000', description: 'Equipment & housekeeping pads', weight: 0.6 },
      { code: '03-3000', description: 'Site concrete — curbs, walks & ramps', weight: 2 },
      { code: '03-3500', description: 'Concrete finishing & curing', weight: 2 },
      { code: '03-3900', description: 'Cold-weather protection', weight: 0.8 },
      { code: '03-3000', description: 'Elevated slab & beams', weight: 5, perArea: true, split: true },
      { code: '03-3000', description: 'Columns & shear walls', weight: 3, perArea: true, split: true },
    ],
  },
  steel: {
    kind: 'work',
    primaryCode: '05-1200',
    areaKind: 'floors',
    items: [
      { code: '05-1200', description: 'Connection design & detailing', weight: 2 },
      { code: '05-1200', description: 'Anchor rods & base plates', weight: 1 },
      { code: '05-1200', description: 'Shop fabrication — columns', weight: 8 },
      { code: '05-1200', description: 'Shop fabrication — beams & girders', weight: 10 },
      { code: '05-3100', description: 'Metal roof deck', weight: 3 },
      { code: '05-5100', description: 'Metal stairs & landings', weight: 3, split: true },
      { code: '05-5213', description: 'Pipe & tube railings', weight: 1.5, split: true },
      { code: '05-5000', description: 'Miscellaneous metals — lintels, ladders, embeds', weight: 1.5 },
      { code: '09-9600', description: 'Shop primer & field touch-up', weight: 0.8 },
      { code: '05-1200', description: 'Steel erection', weight: 4, perArea: true },
      { code: '05-3100', description: 'Composite floor deck & shear studs', weight: 2, perArea: true, split: true },
    ],
  },
  drywall: {
    kind: 'work',
    primaryCode: '09-2900',
    areaKind: 'floors',
    items: [
      { code: '09-2216', description: 'Exterior wall framing & sheathing', weight: 4, split: true },
      { code: '07-8400', description: 'Firestopping at rated assemblies', weight: 1.5 },
      { code: '09-2900', description: 'Shaft wall assemblies — stairs & elevators', weight: 2 },
      { code: '07-2100', description: 'Sound attenuation batts', weight: 1.5 },
      { code: '09-2216', description: 'Metal stud framing', weight: 4, perArea: true, split: true },
      { code: '09-2900', description: 'Gypsum board', weight: 4, perArea: true, split: true },
      { code: '09-2900', description: 'Taping & finishing', weight: 3, perArea: true },
      { code: '09-5113', description: 'Acoustical panel ceilings', weight: 2, perArea: true, split: true },
    ],
  },
  electrical: {
    kind: 'work',
    primaryCode: '26-0500',
    areaKind: 'floors',
    items: [
      { code: '26-0526', description: 'Grounding & bonding', weight: 1 },
      { code: '26-0543', description: 'Underground conduit & duct banks', weight: 3 },
      { code: '26-2413', description: 'Main switchboard, 2000 A', weight: 6, split: true },
      { code: '26-2416', description: 'Panelboards & dry-type transformers', weight: 5, split: true },
      { code: '26-3213', description: 'Emergency generator & transfer switches', weight: 6, split: true },
      { code: '26-0923', description: 'Lighting controls', weight: 2 },
      { code: '26-5600', description: 'Site & exterior lighting', weight: 2 },
      { code: '27-1000', description: 'Structured cabling rough-in', weight: 3 },
      { code: '28-3111', description: 'Fire alarm system — panel & devices', weight: 5, split: true },
      { code: '26-0800', description: 'Testing & commissioning', weight: 1 },
      { code: '26-0533', description: 'Conduit rough-in', weight: 3, perArea: true },
      { code: '26-0519', description: 'Branch wiring', weight: 3, perArea: true },
      { code: '26-2726', description: 'Wiring devices & trim', weight: 1.5, perArea: true },
      { code: '26-5100', description: 'Light fixtures', weight: 3, perArea: true, split: true },
    ],
  },
  plumbing: {
    kind: 'work',
    primaryCode: '22-0500',
    areaKind: 'floors',
    items: [
      { code: '22-1313', description: 'Underground sanitary & storm', weight: 5, split: true },
      { code: '22-1116', description: 'Domestic water service & backflow preventer', weight: 2 },
      { code: '22-3400', description: 'Water heaters & recirculation', weight: 3, split: true },
      { code: '22-1413', description: 'Roof drains & overflow drains', weight: 2 },
      { code: '22-4700', description: 'Drinking fountains & bottle fillers', weight: 1 },
      { code: '22-0719', description: 'Pipe insulation', weight: 2 },
      { code: '22-0800', description: 'Testing, flushing & disinfection', weight: 1 },
      { code: '22-1116', description: 'Domestic water rough-in', weight: 3, perArea: true, split: true },
      { code: '22-1316', description: 'Sanitary waste & vent rough-in', weight: 3, perArea: true, split: true },
      { code: '22-4000', description: 'Plumbing fixtures — set & trim', weight: 3, perArea: true, split: true },
    ],
  },
  hvac: {
    kind: 'work',
    primaryCode: '23-0500',
    areaKind: 'floors',
    items: [
      { code: '23-7413', description: 'Packaged rooftop units', weight: 8, split: true },
      { code: '23-5216', description: 'Condensing boilers', weight: 4, split: true },
      { code: '23-2113', description: 'Hydronic piping — heating water', weight: 4, split: true },
      { code: '23-8126', description: 'Split systems — IT & elevator rooms', weight: 2 },
      { code: '23-3423', description: 'Exhaust fans', weight: 1.5 },
      { code: '23-0713', description: 'Duct insulation', weight: 2 },
      { code: '23-0900', description: 'Building automation & controls', weight: 5 },
      { code: '23-0593', description: 'Testing, adjusting & balancing', weight: 1.5 },
      { code: '23-0800', description: 'Commissioning support', weight: 0.8 },
      { code: '23-3113', description: 'Sheet-metal ductwork', weight: 5, perArea: true, split: true },
      { code: '23-3713', description: 'Diffusers, registers & grilles', weight: 1.5, perArea: true },
      { code: '23-3600', description: 'VAV boxes & terminal units', weight: 3, perArea: true, split: true },
    ],
  },
  fireProtection: {
    kind: 'work',
    primaryCode: '21-1313',
    areaKind: 'floors',
    items: [
      { code: '21-1313', description: 'Hydraulic calculations & permit drawings', weight: 1.5 },
      { code: '21-1100', description: 'Fire service entry & backflow preventer', weight: 2 },
      { code: '21-1200', description: 'Standpipes & fire department connections', weight: 3 },
      { code: '21-1313', description: "Alarm valves & inspector's test stations", weight: 1 },
      { code: '21-1313', description: 'Sprinkler mains & branch lines', weight: 4, perArea: true, split: true },
      { code: '21-1313', description: 'Sprinkler heads & trim-out', weight: 1.5, perArea: true },
    ],
  },
  glazing: {
    kind: 'work',
    primaryCode: '08-4413',
    areaKind: 'elevations',
    items: [
      { code: '08-4413', description: 'Engineering, mock-up & water testing', weight: 1.5 },
      { code: '08-4113', description: 'Aluminum storefront & entrances', weight: 5, split: true },
      { code: '08-4229', description: 'Automatic sliding entrance doors', weight: 2 },
      { code: '08-8000', description: 'Interior glazing & sidelites', weight: 2 },
      { code: '08-8300', description: 'Mirrors', weight: 0.3 },
      { code: '08-6200', description: 'Unit skylights', weight: 1.5 },
      { code: '07-9200', description: 'Perimeter sealants', weight: 1 },
      { code: '08-4413', description: 'Curtain wall', weight: 12, perArea: true, split: true },
      { code: '08-5113', description: 'Aluminum windows', weight: 4, perArea: true, split: true },
    ],
  },
  roofing: {
    kind: 'work',
    primaryCode: '07-5400',
    areaKind: 'roofs',
    items: [
      { code: '07-2200', description: 'Tapered polyiso roof insulation', weight: 4, split: true },
      { code: '07-6200', description: 'Sheet-metal flashing & copings', weight: 3, split: true },
      { code: '07-7200', description: 'Roof hatches, ladders & walkway pads', weight: 1 },
      { code: '07-7100', description: 'Crickets, curbs & roof specialties', weight: 1 },
      { code: '07-9200', description: 'Joint sealants', weight: 0.5 },
      { code: '07-5400', description: "Manufacturer's 20-year NDL warranty", weight: 0.8 },
      { code: '07-5400', description: 'TPO membrane roofing, 60 mil', weight: 6, perArea: true, split: true },
      { code: '07-6200', description: 'Edge metal & gutters', weight: 1, perArea: true },
    ],
  },
  painting: {
    kind: 'work',
    primaryCode: '09-9123',
    areaKind: 'floors',
    items: [
      { code: '09-9113', description: 'Exterior painting — stucco & metal', weight: 4 },
      { code: '09-9600', description: 'High-performance coatings — stairwells', weight: 2 },
      { code: '09-9123', description: 'Hollow metal doors & frames', weight: 1.5 },
      { code: '09-9300', description: 'Staining & transparent finishes', weight: 1 },
      { code: '09-7200', description: 'Wall coverings — lobby & corridors', weight: 1.5 },
      { code: '32-1723', description: 'Pavement markings & curb painting', weight: 1 },
      { code: '09-9123', description: 'Interior walls — prime & two coats', weight: 4, perArea: true, split: true },
      { code: '09-9123', description: 'Ceilings & soffits', weight: 1.5, perArea: true },
    ],
  },
  elevators: {
    kind: 'work',
    primaryCode: '14-2100',
    areaKind: 'cars',
    items: [
      { code: '14-2100', description: 'Machine-room-less traction machines', weight: 10 },
      { code: '14-2100', description: 'Controllers & dispatching', weight: 5 },
      { code: '14-2100', description: 'Hoistway rails, brackets & entrances', weight: 6 },
      { code: '14-2100', description: 'Cab interiors & finishes', weight: 4 },
      { code: '14-2100', description: 'Permits, inspection & acceptance testing', weight: 1 },
      { code: '14-2100', description: '12-month maintenance & callback service', weight: 1.5 },
      { code: '14-2100', description: 'Installation labor', weight: 8, perArea: true },
      { code: '14-2100', description: 'Hoistway doors & frames', weight: 2, perArea: true },
    ],
  },
  lumberBlocking: {
    kind: 'supply',
    primaryCode: '06-1000',
    areaKind: 'floors',
    items: [
      { code: '06-1000', description: 'PT 2x6 sill plates, #2 SYP', unit: 'LF', quantity: [1200, 2400], unitPriceCents: [245, 320] },
      { code: '06-1000', description: 'Temporary protection & guardrail lumber', unit: 'MBF', quantity: [3, 6], unitPriceCents: [69_000, 85_000] },
      { code: '06-1000', description: 'Delivery & crane offload', unit: 'loads', quantity: [8, 16], unitPriceCents: [28_500, 42_000] },
      { code: '06-1000', description: 'Fasteners & anchors', unit: 'lot', quantity: [1, 1], unitPriceCents: [380_000, 620_000] },
      { code: '06-1000', description: 'FR-treated 2x blocking & nailers', unit: 'MBF', quantity: [2, 5], decimals: 1, unitPriceCents: [98_000, 118_000], perArea: true },
      { code: '06-1600', description: '3/4 in. FR plywood backing', unit: 'sheets', quantity: [60, 160], unitPriceCents: [6_850, 8_400], perArea: true },
    ],
  },
  lumberFraming: {
    kind: 'supply',
    primaryCode: '06-1000',
    areaKind: 'floors',
    items: [
      { code: '06-1000', description: 'PT 2x6 sill plates, #2 SYP', unit: 'LF', quantity: [1800, 3200], unitPriceCents: [245, 320] },
      { code: '06-1700', description: 'LVL headers & beams, 1-3/4 in.', unit: 'LF', quantity: [600, 1200], unitPriceCents: [1_450, 1_980] },
      { code: '06-1000', description: 'Simpson hold-downs & connectors', unit: 'lot', quantity: [1, 1], unitPriceCents: [1_850_000, 2_600_000] },
      { code: '06-1000', description: 'Temporary protection & guardrail lumber', unit: 'MBF', quantity: [3, 6], unitPriceCents: [69_000, 85_000] },
      { code: '06-1000', description: 'Delivery & crane offload', unit: 'loads', quantity: [18, 30], unitPriceCents: [28_500, 42_000] },
      { code: '06-1000', description: '2x6 SPF studs #2, 9 ft precut', unit: 'pcs', quantity: [1800, 3600], unitPriceCents: [689, 845], perArea: true },
      { code: '06-1000', description: '2x6 SPF plates & blocking', unit: 'MBF', quantity: [6, 14], decimals: 1, unitPriceCents: [72_000, 98_000], perArea: true },
      { code: '06-1600', description: '7/16 in. OSB wall sheathing', unit: 'sheets', quantity: [300, 650], unitPriceCents: [1_895, 2_410], perArea: true },
      { code: '06-1600', description: '3/4 in. T&G floor sheathing', unit: 'sheets', quantity: [280, 420], unitPriceCents: [3_650, 4_420], perArea: true },
    ],
  },
  rebar: {
    kind: 'supply',
    primaryCode: '03-2000',
    areaKind: 'floors',
    items: [
      { code: '03-2000', description: '#5 & #6 footing bars, ASTM A615 Gr 60', unit: 't', quantity: [18, 42], decimals: 1, unitPriceCents: [118_000, 142_000] },
      { code: '03-2000', description: '#4 & #5 foundation wall bars', unit: 't', quantity: [12, 30], decimals: 1, unitPriceCents: [118_000, 142_000] },
      { code: '03-2200', description: 'Welded wire reinforcement 6x6-W2.9xW2.9', unit: 'sheets', quantity: [220, 480], unitPriceCents: [4_200, 5_600] },
      { code: '03-2000', description: 'Epoxy-coated dowels', unit: 't', quantity: [2, 6], decimals: 1, unitPriceCents: [165_000, 195_000] },
      { code: '03-2000', description: 'Bar supports, chairs & accessories', unit: 'lot', quantity: [1, 1], unitPriceCents: [850_000, 1_600_000] },
      { code: '03-2000', description: 'Detailing & bar lists', unit: 'lot', quantity: [1, 1], unitPriceCents: [950_000, 1_400_000] },
      { code: '03-2000', description: 'Delivery & tagging', unit: 'loads', quantity: [10, 24], unitPriceCents: [38_000, 52_000] },
      { code: '03-2000', description: 'Slab & beam reinforcing', unit: 't', quantity: [14, 36], decimals: 1, unitPriceCents: [118_000, 142_000], perArea: true },
      { code: '03-2000', description: 'Column & wall verticals', unit: 't', quantity: [6, 16], decimals: 1, unitPriceCents: [121_000, 146_000], perArea: true },
    ],
  },
  rebarMetric: {
    kind: 'supply',
    primaryCode: '03-2000',
    areaKind: 'floors',
    items: [
      { code: '03-2000', description: '15M & 20M bars, CSA G30.18 Gr 400W', unit: 't', quantity: [20, 45], decimals: 1, unitPriceCents: [158_000, 186_000] },
      { code: '03-2200', description: 'Welded wire mesh 152x152 MW18.7', unit: 'sheets', quantity: [180, 420], unitPriceCents: [5_400, 6_900] },
      { code: '03-2000', description: 'Bar chairs, bolsters & accessories', unit: 'lot', quantity: [1, 1], unitPriceCents: [1_100_000, 1_900_000] },
      { code: '03-2000', description: 'Shop drawings & bar lists', unit: 'lot', quantity: [1, 1], unitPriceCents: [1_200_000, 1_700_000] },
      { code: '03-2000', description: 'Delivery & tagging', unit: 'loads', quantity: [8, 20], unitPriceCents: [45_000, 61_000] },
      { code: '03-2000', description: 'Slab & drop-panel reinforcing', unit: 't', quantity: [16, 34], decimals: 1, unitPriceCents: [158_000, 186_000], perArea: true },
    ],
  },
} satisfies Record<string, TradeTemplate>;

export type TradeKey = keyof typeof TRADES;
