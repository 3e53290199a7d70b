/**
 * The demo data set's static catalogue: the general contractor, the subcontractors and suppliers
 * with their people, the three projects and every commitment. Schedules of values are generated
 * from the trade templates in sov-templates.ts (build-sov.ts); everything here is hand-written.
 *
 * People are referred to by key, `<company key>.<first name>`; emails are derived from names and
 * the company's `.example` domain, so the sign-in table can find the demo accounts again.
 */
import type { CommitmentKind, CommitmentStatus } from '../domain/commitment.ts';
import type { ChangeOrderStatus } from '../domain/change-order.ts';
import type { CompanyKind } from '../domain/directory.ts';
import type { CommitmentsPermission } from '../domain/permissions.ts';
import type { Currency, Locale } from '../domain/project.ts';
import type { TradeKey } from './sov-templates.ts';

/** Every demo account signs in with this password. */
export const DEMO_PASSWORD = 'payapp-demo-2026';

export type DemoPerson = {
  name: string;
  title: string;
  isCompanyAdmin?: boolean;
  /** Deactivated after the data is loaded (after joining any project directory). */
  inactive?: boolean;
};

export type DemoCompany = {
  key: string;
  name: string;
  kind: CompanyKind;
  address: string;
  domain: string;
  people: DemoPerson[];
  /** First name of the employee who pre-fills the invoice contacts of new commitments. */
  defaultInvoiceContact?: string;
};

export type DemoChangeOrder = {
  number: string;
  title: string;
  /** `pending_then_approved` exercises updateChangeOrder; `draft_then_pending` too. */
  status: ChangeOrderStatus | 'draft_then_pending' | 'pending_then_approved';
  lines: { costCode: string; description: string; amountDollars: number }[];
};

export type DemoCommitment = {
  number: string;
  kind: CommitmentKind;
  company: string;
  trade: TradeKey;
  title: string;
  description: string;
  status: CommitmentStatus;
  /** Subcontracts: the contract sum, spread over the SOV lines. Purchase orders price their own lines. */
  contractDollars?: number;
  retainageWorkBp: number;
  retainageMaterialsBp: number;
  /** Person keys, added with addInvoiceContact (the company default, if any, is pre-filled). */
  contacts: string[];
  isPrivate?: false;
  privateSovVisible?: true;
  /** Person keys explicitly on the private list. */
  privateList?: string[];
  /** Overrides the trade's areas (e.g. a supply order for some floors only). */
  areas?: string[];
  changeOrders?: DemoChangeOrder[];
};

export type DemoProject = {
  key: string;
  name: string;
  number: string;
  address: string;
  currency: Currency;
  locale: Locale;
  timeZone: string;
  floors: string[];
  roofAreas: string[];
  elevatorCars: string[];
  /** GC staff and other non-contract people, by person key. */
  staff: Record<string, CommitmentsPermission>;
  /**
   * Employees of the contract companies join with Read Only (invoice contacts need at least
   * that); these person keys get another level instead.
   */
  overrides?: Record<string, CommitmentsPermission>;
  commitments: DemoCommitment[];
};

export const GC_KEY = 'northwind';

export const COMPANIES: DemoCompany[] = [
  {
    key: GC_KEY,
    name: 'Northwind Builders, Inc.',
    kind: 'general_contractor',
    address: '1200 NW Naito Pkwy, Suite 400, Portland, OR 97209',
    domain: 'northwind.example',
    people: [
      { name: 'Dana Whitfield', title: 'VP of Operations', isCompanyAdmin: true },
      { name: 'Priya Raman', title: 'project accountant' },
      { name: 'Marcus Bell', title: 'senior project manager' },
      { name: 'Elena Sokolova', title: 'project manager, Toronto office' },
    ],
  },
  {
    key: 'riverside',
    name: 'Riverside Health Partners',
    kind: 'owner',
    address: '2300 NW Thurman St, Portland, OR 97210',
    domain: 'riversidehealth.example',
    people: [{ name: 'Gordon Tate', title: "owner's representative" }],
  },
  {
    key: 'granite',
    name: 'Granite Ridge Concrete, Inc.',
    kind: 'subcontractor',
    address: '8420 SE Foster Rd, Portland, OR 97266',
    domain: 'graniteridge.example',
    people: [
      { name: 'Hector Alvarez', title: 'project manager' },
      { name: 'Linda Foss', title: 'controller' },
      { name: 'Walt Brennan', title: 'superintendent' },
    ],
  },
  {
    key: 'ironclad',
    name: 'Ironclad Steel Erectors, LLC',
    kind: 'subcontractor',
    address: '3100 N Columbia Blvd, Portland, OR 97217',
    domain: 'ironcladsteel.example',
    people: [
      { name: 'Cheryl Vance', title: 'project manager' },
      { name: 'Omar Haddad', title: 'billing coordinator' },
    ],
  },
  {
    key: 'cascade',
    name: 'Cascade Drywall & Acoustics, LLC',
    kind: 'subcontractor',
    address: '11950 SW Garden Pl, Tigard, OR 97223',
    domain: 'cascadedrywall.example',
    people: [
      { name: 'Rosa Delgado', title: 'project administrator' },
      { name: 'Kevin Marsh', title: 'president' },
      { name: 'Tyler Nguyen', title: 'estimator' },
    ],
    defaultInvoiceContact: 'Rosa',
  },
  {
    key: 'brightline',
    name: 'Brightline Electric Co.',
    kind: 'subcontractor',
    address: '2210 NE Sandy Blvd, Portland, OR 97232',
    domain: 'brightline-electric.example',
    people: [
      { name: 'Sam Patel', title: 'project manager' },
      { name: 'Jenna Holt', title: 'accounts receivable' },
      { name: 'Luis Ortega', title: 'general foreman' },
      { name: 'Ava Chen', title: 'estimator' },
    ],
  },
  {
    key: 'keystone',
    name: 'Keystone Plumbing, Inc.',
    kind: 'subcontractor',
    address: '4700 NE 78th St, Vancouver, WA 98665',
    domain: 'keystoneplumbing.example',
    people: [
      { name: 'Derek Lund', title: 'project manager' },
      { name: 'Maria Santos', title: 'office manager' },
    ],
  },
  {
    key: 'summit',
    name: 'Summit Mechanical Services',
    kind: 'subcontractor',
    address: '5800 Washington St, Denver, CO 80216',
    domain: 'summitmechanical.example',
    people: [
      { name: 'Jason Whitaker', title: 'project manager' },
      { name: 'Priscilla Grant', title: 'billing manager' },
      { name: 'Ben Tran', title: 'service manager' },
    ],
  },
  {
    key: 'guardian',
    name: 'Guardian Fire Protection',
    kind: 'subcontractor',
    address: '7720 SW Nimbus Ave, Beaverton, OR 97008',
    domain: 'guardianfire.example',
    people: [
      { name: 'Aaron Fisk', title: 'project manager' },
      { name: 'Kelly Yamamoto', title: 'project coordinator' },
    ],
  },
  {
    key: 'clearview',
    name: 'Clearview Glass & Glazing',
    kind: 'subcontractor',
    address: '1525 SE Water Ave, Portland, OR 97214',
    domain: 'clearviewglass.example',
    people: [
      { name: "Megan O'Reilly", title: 'project manager' },
      { name: 'Raj Malhotra', title: 'estimator' },
    ],
  },
  {
    key: 'topline',
    name: 'Topline Roofing, Inc.',
    kind: 'subcontractor',
    address: '6360 E 58th Ave, Commerce City, CO 80022',
    domain: 'toplineroofing.example',
    people: [
      { name: 'Carlos Rivera', title: 'project manager' },
      { name: 'Dawn Mitchell', title: 'accounting' },
    ],
  },
  {
    key: 'truecoat',
    name: 'TrueCoat Painting',
    kind: 'subcontractor',
    address: '905 SE Division St, Portland, OR 97202',
    domain: 'truecoatpainting.example',
    people: [
      { name: 'Natalie Brooks', title: 'owner' },
      { name: 'Brandon Kerr', title: 'former project manager', inactive: true },
      { name: 'Isaac Moreno', title: 'paint foreman' },
    ],
  },
  {
    key: 'vertical',
    name: 'Vertical Transit Elevator Co.',
    kind: 'subcontractor',
    address: '400 S Jackson St, Seattle, WA 98104',
    domain: 'verticaltransit.example',
    people: [
      { name: 'Nina Kowalski', title: 'contract administrator' },
      { name: 'Paul Decker', title: 'account manager' },
      { name: 'Simone Laurent', title: 'Toronto branch manager' },
    ],
    defaultInvoiceContact: 'Nina',
  },
  {
    key: 'pacific',
    name: 'Pacific Timber Supply',
    kind: 'supplier',
    address: '12800 NE Marx St, Portland, OR 97230',
    domain: 'pacifictimber.example',
    people: [
      { name: 'Joe Carver', title: 'contractor sales' },
      { name: 'Wendy Lin', title: 'credit & collections' },
    ],
  },
  {
    key: 'continental',
    name: 'Continental Rebar & Mesh',
    kind: 'supplier',
    address: '4501 E 46th Ave, Denver, CO 80216',
    domain: 'continentalrebar.example',
    people: [
      { name: 'Frank Ruiz', title: 'project manager' },
      { name: 'Tasha Green', title: 'AR specialist' },
      { name: 'Mike Sorensen', title: 'detailing manager' },
    ],
  },
  {
    key: 'dufferin',
    name: 'Dufferin Forming & Concrete Ltd.',
    kind: 'subcontractor',
    address: '145 Milvan Dr, Toronto, ON M9L 1Z3',
    domain: 'dufferinforming.example',
    people: [
      { name: 'Marco Bianchi', title: 'project manager' },
      { name: 'Sandra Costa', title: 'accounts receivable' },
      { name: 'Giuseppe Russo', title: 'site superintendent' },
    ],
  },
  {
    key: 'lakeshore',
    name: 'Lakeshore Mechanical Inc.',
    kind: 'subcontractor',
    address: '60 Shorncliffe Rd, Etobicoke, ON M8Z 5K1',
    domain: 'lakeshoremech.example',
    people: [
      { name: 'Daniel Okafor', title: 'project manager' },
      { name: 'Heather MacLeod', title: 'billing administrator' },
      { name: 'Raymond Chu', title: 'president' },
    ],
  },
  {
    key: 'mapleleaf',
    name: 'Maple Leaf Electrical Ltd.',
    kind: 'subcontractor',
    address: '2875 Steeles Ave W, Toronto, ON M3J 2Z9',
    domain: 'mapleleafelectrical.example',
    people: [
      { name: 'Fatima Siddiqui', title: 'project coordinator' },
      { name: 'Patrick Gagnon', title: 'project manager' },
      { name: 'Owen Fraser', title: 'estimator' },
    ],
  },
  {
    key: 'northshore',
    name: 'Northshore Interiors Ltd.',
    kind: 'subcontractor',
    address: '88 Bermondsey Rd, Toronto, ON M4B 1Z5',
    domain: 'northshoreinteriors.example',
    people: [
      { name: 'Chloe Tremblay', title: 'project manager' },
      { name: 'Vikram Desai', title: 'controller' },
    ],
  },
  {
    key: 'greatlakes',
    name: 'Great Lakes Rebar Ltd.',
    kind: 'supplier',
    address: '3400 Laird Rd, Mississauga, ON L5L 5Y4',
    domain: 'greatlakesrebar.example',
    people: [
      { name: 'Nathan Boyd', title: 'sales representative' },
      { name: 'Amira Nasser', title: 'credit manager' },
    ],
  },
];

const SC_RETAINAGE = { retainageWorkBp: 1000, retainageMaterialsBp: 500 } as const;
const NO_MATERIALS_RETAINAGE = { retainageWorkBp: 1000, retainageMaterialsBp: 0 } as const;
const NO_RETAINAGE = { retainageWorkBp: 0, retainageMaterialsBp: 0 } as const;
/** Ontario's Construction Act: 10% holdback on everything. */
const ONTARIO_HOLDBACK = { retainageWorkBp: 1000, retainageMaterialsBp: 1000 } as const;

export const PROJECTS: DemoProject[] = [
  {
    key: 'riverside',
    name: 'Riverside Medical Office Building',
    number: '2026-014',
    address: '2455 NW Marshall St, Portland, OR 97210',
    currency: 'USD',
    locale: 'en-US',
    timeZone: 'America/Los_Angeles',
    floors: ['Level 1', 'Level 2', 'Level 3', 'Level 4', 'Roof & penthouse'],
    roofAreas: ['Main roof', 'Mechanical penthouse roof', 'Entrance canopy'],
    elevatorCars: ['Elevator 1 (gurney)', 'Elevator 2'],
    staff: {
      'northwind.priya': 'admin',
      'northwind.marcus': 'admin',
      'northwind.elena': 'read_only',
      'riverside.gordon': 'read_only',
    },
    overrides: { 'brightline.luis': 'none' },
    commitments: [
      {
        number: 'SC-001',
        kind: 'subcontract',
        company: 'granite',
        trade: 'concrete',
        title: 'Cast-in-Place Concrete',
        description: 'Furnish and install all Division 03 cast-in-place concrete, formwork and finishing per the IFC drawings dated 2026-02-20.',
        status: 'approved',
        contractDollars: 2_480_000,
        ...SC_RETAINAGE,
        contacts: ['granite.hector'],
        privateList: ['riverside.gordon'],
      },
      {
        number: 'SC-002',
        kind: 'subcontract',
        company: 'ironclad',
        trade: 'steel',
        title: 'Structural Steel & Miscellaneous Metals',
        description: 'Detail, fabricate and erect structural steel, metal deck, stairs and railings, including connection design.',
        status: 'approved',
        contractDollars: 1_965_000,
        ...SC_RETAINAGE,
        contacts: ['ironclad.omar'],
        privateSovVisible: true,
        privateList: ['northwind.elena'],
      },
      {
        number: 'SC-003',
        kind: 'subcontract',
        company: 'cascade',
        trade: 'drywall',
        title: 'Drywall, Framing & Acoustical Ceilings',
        description: 'Metal stud framing, gypsum board, shaft walls, insulation and acoustical ceilings throughout.',
        status: 'approved',
        contractDollars: 1_386_500,
        ...SC_RETAINAGE,
        contacts: [],
        changeOrders: [
          {
            number: 'CO-001',
            title: 'Added bulkheads at Level 1 lobby and corridor',
            status: 'approved',
            lines: [
              { costCode: '09-2216', description: 'Metal stud framing for bulkheads', amountDollars: 7_150 },
              { costCode: '09-2900', description: 'Gypsum board and Level 4 finish at bulkheads', amountDollars: 11_300 },
            ],
          },
          {
            number: 'CO-002',
            title: 'Abuse-resistant board at Level 1 corridors',
            status: 'pending',
            lines: [
              { costCode: '09-2900', description: 'Upgrade to abuse-resistant gypsum board, 4,200 sf', amountDollars: 9_860.4 },
            ],
          },
        ],
      },
      {
        number: 'SC-004',
        kind: 'subcontract',
        company: 'brightline',
        trade: 'electrical',
        title: 'Electrical & Fire Alarm',
        description: 'Complete electrical distribution, lighting, fire alarm and telecom rough-in per Division 26, 27 and 28.',
        status: 'approved',
        contractDollars: 2_214_000,
        ...SC_RETAINAGE,
        contacts: ['brightline.sam'],
        changeOrders: [
          {
            number: 'CO-001',
            title: 'Owner-requested EV charging stations (6)',
            status: 'draft_then_pending',
            lines: [
              { costCode: '26-0533', description: 'Conduit and pull boxes for EV chargers', amountDollars: 12_640 },
              { costCode: '26-2416', description: 'Panelboard EV-1 and 225 A feeder', amountDollars: 18_920 },
              { costCode: '26-2726', description: 'Level 2 EV charger installation (6 ea)', amountDollars: 10_820 },
            ],
          },
        ],
      },
      {
        number: 'SC-005',
        kind: 'subcontract',
        company: 'keystone',
        trade: 'plumbing',
        title: 'Plumbing',
        description: 'Domestic water, sanitary, storm and fixtures, including underground and testing.',
        status: 'approved',
        contractDollars: 968_000,
        ...SC_RETAINAGE,
        contacts: ['keystone.derek', 'keystone.maria'],
      },
      {
        number: 'SC-006',
        kind: 'subcontract',
        company: 'summit',
        trade: 'hvac',
        title: 'HVAC & Building Controls',
        description: 'Rooftop units, heating water, ductwork, VAV terminals, controls and test & balance.',
        status: 'approved',
        contractDollars: 1_742_000,
        ...SC_RETAINAGE,
        contacts: ['summit.priscilla'],
      },
      {
        number: 'SC-007',
        kind: 'subcontract',
        company: 'guardian',
        trade: 'fireProtection',
        title: 'Fire Sprinklers',
        description: 'Design-build wet-pipe sprinkler system and standpipes per NFPA 13 and NFPA 14.',
        status: 'approved',
        contractDollars: 412_750,
        ...NO_MATERIALS_RETAINAGE,
        contacts: ['guardian.kelly'],
      },
      {
        number: 'SC-008',
        kind: 'subcontract',
        company: 'clearview',
        trade: 'glazing',
        title: 'Curtain Wall, Storefront & Glazing',
        description: 'Unitized curtain wall, storefront entrances, windows and interior glazing.',
        status: 'out_for_signature',
        contractDollars: 1_124_000,
        ...SC_RETAINAGE,
        contacts: ['clearview.megan'],
      },
      {
        number: 'SC-009',
        kind: 'subcontract',
        company: 'topline',
        trade: 'roofing',
        title: 'TPO Roofing & Sheet Metal',
        description: '60-mil TPO roofing over tapered insulation, flashings, copings and roof accessories.',
        status: 'approved',
        contractDollars: 486_000,
        ...NO_MATERIALS_RETAINAGE,
        contacts: ['topline.dawn'],
      },
      {
        number: 'SC-010',
        kind: 'subcontract',
        company: 'truecoat',
        trade: 'painting',
        title: 'Painting & Wall Coverings',
        description: 'Interior and exterior painting, high-performance coatings and lobby wall coverings.',
        status: 'draft',
        contractDollars: 312_400,
        ...SC_RETAINAGE,
        contacts: [],
      },
      {
        number: 'SC-011',
        kind: 'subcontract',
        company: 'vertical',
        trade: 'elevators',
        title: 'Elevators',
        description: 'Two machine-room-less traction elevators, one gurney-sized, including 12 months of maintenance.',
        status: 'approved',
        contractDollars: 418_000,
        ...NO_MATERIALS_RETAINAGE,
        contacts: ['vertical.paul'],
      },
      {
        number: 'PO-001',
        kind: 'purchase_order',
        company: 'pacific',
        trade: 'lumberBlocking',
        title: 'Blocking, Backing & Temporary Protection Lumber',
        description: 'Fire-retardant blocking and backing, temporary protection lumber, delivered to site.',
        status: 'approved',
        ...NO_RETAINAGE,
        contacts: ['pacific.wendy'],
        isPrivate: false,
      },
      {
        number: 'PO-002',
        kind: 'purchase_order',
        company: 'continental',
        trade: 'rebar',
        title: 'Reinforcing Steel — Foundations & Elevated Decks',
        description: 'Fabricated, tagged reinforcing steel and accessories, delivered in pours sequence.',
        status: 'approved',
        ...NO_RETAINAGE,
        contacts: ['continental.tasha'],
      },
    ],
  },
  {
    key: 'cherry-creek',
    name: 'Cherry Creek Lofts',
    number: '2026-019',
    address: '300 Clayton St, Denver, CO 80206',
    currency: 'USD',
    locale: 'en-US',
    timeZone: 'America/Denver',
    floors: ['Garage P1', 'Level 1 (podium & retail)', 'Level 2', 'Level 3', 'Level 4', 'Level 5', 'Level 6'],
    roofAreas: ['Main roof', 'Amenity deck', 'Stair & elevator overruns'],
    elevatorCars: ['Elevator 1', 'Elevator 2'],
    staff: { 'northwind.priya': 'admin', 'northwind.marcus': 'admin' },
    commitments: [
      {
        number: 'SC-001',
        kind: 'subcontract',
        company: 'granite',
        trade: 'concrete',
        title: 'Concrete — Garage, Podium & Site',
        description: 'Post-tensioned podium deck, garage structure, stair cores and site concrete.',
        status: 'approved',
        contractDollars: 3_120_000,
        ...SC_RETAINAGE,
        contacts: ['granite.linda'],
        areas: ['Garage P1', 'Level 1 (podium & retail)', 'Stair & elevator cores'],
        changeOrders: [
          {
            number: 'CO-001',
            title: 'Value engineering — garage deck waterproofing',
            status: 'approved',
            lines: [
              { costCode: '07-1800', description: 'Add: joint sealant at P1 control joints', amountDollars: 4_200 },
              { costCode: '07-1800', description: 'Deduct: delete traffic-bearing membrane at P1 deck', amountDollars: -27_640 },
            ],
          },
        ],
      },
      {
        number: 'SC-002',
        kind: 'subcontract',
        company: 'ironclad',
        trade: 'steel',
        title: 'Steel — Transfer Beams, Stairs & Railings',
        description: 'Podium transfer steel, egress stairs, balcony railings and miscellaneous metals.',
        status: 'approved',
        contractDollars: 845_000,
        ...SC_RETAINAGE,
        contacts: ['ironclad.cheryl'],
        areas: ['Level 1 (podium & retail)', 'Levels 2–3', 'Levels 4–6'],
      },
      {
        number: 'SC-003',
        kind: 'subcontract',
        company: 'cascade',
        trade: 'drywall',
        title: 'Drywall & Insulation',
        description: 'Unit demising walls, corridor assemblies, insulation and ceilings, Levels 1–6.',
        status: 'approved',
        contractDollars: 1_690_000,
        ...SC_RETAINAGE,
        contacts: [],
      },
      {
        number: 'SC-004',
        kind: 'subcontract',
        company: 'brightline',
        trade: 'electrical',
        title: 'Electrical, Low Voltage & Fire Alarm',
        description: 'Service, metering, unit wiring, common-area lighting, fire alarm and low voltage.',
        status: 'approved',
        contractDollars: 1_880_000,
        ...SC_RETAINAGE,
        contacts: ['brightline.jenna', 'brightline.sam'],
      },
      {
        number: 'SC-005',
        kind: 'subcontract',
        company: 'keystone',
        trade: 'plumbing',
        title: 'Plumbing',
        description: 'Unit plumbing, domestic water, sanitary and storm, garage drainage and fixtures.',
        status: 'approved',
        contractDollars: 1_140_000,
        ...SC_RETAINAGE,
        contacts: ['keystone.maria'],
      },
      {
        number: 'SC-006',
        kind: 'subcontract',
        company: 'summit',
        trade: 'hvac',
        title: 'HVAC',
        description: 'Unit heat pumps, corridor pressurisation, garage exhaust, controls and balancing.',
        status: 'approved',
        contractDollars: 2_050_000,
        ...SC_RETAINAGE,
        contacts: ['summit.jason'],
        changeOrders: [
          {
            number: 'CO-001',
            title: 'Relocate RTU-3 curb per structural revision',
            status: 'pending_then_approved',
            lines: [{ costCode: '23-7413', description: 'Relocate RTU-3 curb and rework ductwork', amountDollars: 6_915 }],
          },
        ],
      },
      {
        number: 'SC-007',
        kind: 'subcontract',
        company: 'guardian',
        trade: 'fireProtection',
        title: 'Fire Protection',
        description: 'NFPA 13 wet system in the podium and garage, NFPA 13R in the residential levels.',
        status: 'approved',
        contractDollars: 690_000,
        ...NO_MATERIALS_RETAINAGE,
        contacts: ['guardian.aaron'],
      },
      {
        number: 'SC-008',
        kind: 'subcontract',
        company: 'clearview',
        trade: 'glazing',
        title: 'Windows, Storefront & Glazing',
        description: 'Vinyl and aluminum windows, retail storefront, balcony doors and mirrors.',
        status: 'approved',
        contractDollars: 760_000,
        ...SC_RETAINAGE,
        contacts: ['clearview.megan'],
      },
      {
        number: 'SC-009',
        kind: 'subcontract',
        company: 'topline',
        trade: 'roofing',
        title: 'Roofing & Amenity Deck Waterproofing',
        description: 'TPO roofing, pedestal pavers at the amenity deck, flashings and accessories.',
        status: 'complete',
        contractDollars: 395_000,
        ...NO_MATERIALS_RETAINAGE,
        contacts: ['topline.carlos'],
      },
      {
        number: 'SC-010',
        kind: 'subcontract',
        company: 'truecoat',
        trade: 'painting',
        title: 'Painting',
        description: 'Unit and corridor painting, garage striping and exterior coatings.',
        status: 'approved',
        contractDollars: 428_000,
        ...SC_RETAINAGE,
        contacts: ['truecoat.natalie'],
      },
      {
        number: 'SC-011',
        kind: 'subcontract',
        company: 'vertical',
        trade: 'elevators',
        title: 'Elevators',
        description: 'Two machine-room-less traction elevators serving P1 to Level 6.',
        status: 'approved',
        contractDollars: 352_000,
        ...NO_MATERIALS_RETAINAGE,
        contacts: [],
      },
      {
        number: 'PO-001',
        kind: 'purchase_order',
        company: 'pacific',
        trade: 'lumberFraming',
        title: 'Framing Lumber Package — Levels 2–6',
        description: 'Wall framing, floor and roof trusses by others; studs, plates, sheathing and hardware by floor.',
        status: 'approved',
        ...NO_RETAINAGE,
        contacts: ['pacific.joe'],
        areas: ['Level 2', 'Level 3', 'Level 4', 'Level 5', 'Level 6'],
      },
      {
        number: 'PO-002',
        kind: 'purchase_order',
        company: 'continental',
        trade: 'rebar',
        title: 'Reinforcing Steel — Garage & Podium',
        description: 'Fabricated reinforcing for the garage, podium deck and cores.',
        status: 'approved',
        ...NO_RETAINAGE,
        contacts: ['continental.frank'],
        areas: ['Garage P1', 'Level 1 (podium & retail)', 'Stair & elevator cores'],
      },
    ],
  },
  {
    key: 'queen-west',
    name: 'Queen West Residences',
    number: 'T-2026-03',
    address: '1180 Queen St W, Toronto, ON M6J 1J3',
    currency: 'CAD',
    locale: 'en-CA',
    timeZone: 'America/Toronto',
    floors: [
      'P2',
      'P1',
      'Ground floor (retail)',
      'Level 2',
      'Level 3',
      'Level 4',
      'Level 5',
      'Level 6',
      'Level 7',
      'Level 8',
      'Level 9',
      'Level 10',
      'Mechanical penthouse',
    ],
    roofAreas: ['Main roof', 'Level 8 terrace', 'Penthouse roof'],
    elevatorCars: ['Car 1', 'Car 2', 'Car 3 (service)'],
    staff: { 'northwind.priya': 'admin', 'northwind.elena': 'admin' },
    commitments: [
      {
        number: 'SC-001',
        kind: 'subcontract',
        company: 'dufferin',
        trade: 'concrete',
        title: 'Forming, Reinforcing Placement & Concrete',
        description: 'Complete concrete structure, P2 to mechanical penthouse, including shoring and winter protection.',
        status: 'approved',
        contractDollars: 6_850_000,
        ...ONTARIO_HOLDBACK,
        contacts: ['dufferin.sandra'],
        changeOrders: [
          {
            number: 'CO-001',
            title: 'Winter heat and hoarding, January to March',
            status: 'pending',
            lines: [{ costCode: '03-3900', description: 'Temporary heat and hoarding, Levels 4–6', amountDollars: 64_500 }],
          },
        ],
      },
      {
        number: 'SC-002',
        kind: 'subcontract',
        company: 'lakeshore',
        trade: 'hvac',
        title: 'HVAC',
        description: 'Four-pipe fan coils, make-up air, boilers and chillers, garage ventilation and BAS.',
        status: 'approved',
        contractDollars: 4_200_000,
        ...ONTARIO_HOLDBACK,
        contacts: ['lakeshore.heather'],
        privateList: ['lakeshore.raymond'],
      },
      {
        number: 'SC-003',
        kind: 'subcontract',
        company: 'lakeshore',
        trade: 'plumbing',
        title: 'Plumbing & Drainage',
        description: 'Domestic water, booster pumps, sanitary and storm drainage, suite fixtures.',
        status: 'approved',
        contractDollars: 2_150_000,
        ...ONTARIO_HOLDBACK,
        contacts: ['lakeshore.heather', 'lakeshore.daniel'],
      },
      {
        number: 'SC-004',
        kind: 'subcontract',
        company: 'mapleleaf',
        trade: 'electrical',
        title: 'Electrical',
        description: 'Hydro service, suite metering, distribution, lighting, fire alarm and emergency power.',
        status: 'approved',
        contractDollars: 3_480_000,
        ...ONTARIO_HOLDBACK,
        contacts: ['mapleleaf.fatima'],
        changeOrders: [
          {
            number: 'CO-001',
            title: 'Additional retail tenant metering',
            status: 'approved',
            lines: [
              { costCode: '26-2713', description: 'Tenant meter centre and sub-metering, retail units 1–4', amountDollars: 28_740 },
            ],
          },
          {
            number: 'CO-002',
            title: 'Emergency lighting revisions per fire inspector',
            status: 'draft',
            lines: [
              { costCode: '26-5213', description: 'Additional emergency battery units and exit signs', amountDollars: 7_385.5 },
            ],
          },
        ],
      },
      {
        number: 'SC-005',
        kind: 'subcontract',
        company: 'northshore',
        trade: 'drywall',
        title: 'Drywall, Steel Studs & Ceilings',
        description: 'Suite partitions, demising and corridor walls, bulkheads and acoustic ceilings.',
        status: 'approved',
        contractDollars: 2_260_000,
        ...ONTARIO_HOLDBACK,
        contacts: ['northshore.chloe'],
      },
      {
        number: 'SC-006',
        kind: 'subcontract',
        company: 'vertical',
        trade: 'elevators',
        title: 'Elevators',
        description: 'Two passenger and one service traction elevator, P2 to Level 10.',
        status: 'approved',
        contractDollars: 1_180_000,
        ...ONTARIO_HOLDBACK,
        contacts: ['vertical.simone'],
      },
      {
        number: 'SC-007',
        kind: 'subcontract',
        company: 'clearview',
        trade: 'glazing',
        title: 'Window Wall & Curtain Wall',
        description: 'Unitized window wall on the tower, retail curtain wall and balcony glass guards.',
        status: 'out_for_signature',
        contractDollars: 2_940_000,
        ...ONTARIO_HOLDBACK,
        contacts: ['clearview.megan'],
      },
      {
        number: 'PO-001',
        kind: 'purchase_order',
        company: 'greatlakes',
        trade: 'rebarMetric',
        title: 'Rebar Supply — Below Grade to Level 5',
        description: 'Fabricated 10M–25M reinforcing, CSA G30.18 Grade 400W, with accessories.',
        status: 'approved',
        ...NO_RETAINAGE,
        contacts: ['greatlakes.amira'],
        areas: ['P2', 'P1', 'Ground floor (retail)', 'Level 2', 'Level 3', 'Level 4', 'Level 5'],
      },
      {
        number: 'PO-002',
        kind: 'purchase_order',
        company: 'greatlakes',
        trade: 'rebarMetric',
        title: 'Rebar Supply — Levels 6 to Penthouse',
        description: 'Second release: reinforcing for the upper tower and mechanical penthouse.',
        status: 'draft',
        ...NO_RETAINAGE,
        contacts: ['greatlakes.nathan'],
        areas: ['Level 6', 'Level 7', 'Level 8', 'Level 9', 'Level 10', 'Mechanical penthouse'],
      },
    ],
  },
];

export type DemoAccountRole =
  | 'company_admin'
  | 'gc_staff'
  | 'invoice_contact'
  | 'private_list_only'
  | 'read_only_not_contact'
  | 'permission_none'
  | 'inactive';

/** The accounts the sign-in table shows, in order, by person key. */
export const DEMO_ACCOUNTS: { person: string; role: DemoAccountRole }[] = [
  { person: 'northwind.dana', role: 'company_admin' },
  { person: 'northwind.priya', role: 'gc_staff' },
  { person: 'northwind.marcus', role: 'gc_staff' },
  { person: 'northwind.elena', role: 'gc_staff' },
  { person: 'cascade.rosa', role: 'invoice_contact' },
  { person: 'mapleleaf.fatima', role: 'invoice_contact' },
  { person: 'riverside.gordon', role: 'private_list_only' },
  { person: 'brightline.ava', role: 'read_only_not_contact' },
  { person: 'brightline.luis', role: 'permission_none' },
  { person: 'truecoat.brandon', role: 'inactive' },
];

export function firstName(person: DemoPerson): string {
  return person.name.split(' ')[0] ?? person.name;
}

export function personKey(company: DemoCompany, person: DemoPerson): string {
  return `${company.key}.${firstName(person).toLowerCase()}`;
}

/** "Megan O'Reilly" at clearviewglass.example → megan.oreilly@clearviewglass.example */
export function emailOf(company: DemoCompany, person: DemoPerson): string {
  const local = person.name
    .toLowerCase()
    .replace(/[^a-z ]/g, '')
    .trim()
    .split(/\s+/)
    .join('.');
  return `${local}@${company.domain}`;
}

export function companyByKey(key: string): DemoCompany {
  const company = COMPANIES.find((c) => c.key === key);
  if (!company) throw new Error(`The demo catalogue names an unknown company "${key}".`);
  return company;
}

/** Person key → the company and person it names. */
export function findPerson(key: string): { company: DemoCompany; person: DemoPerson } {
  for (const company of COMPANIES) {
    for (const person of company.people) {
      if (personKey(company, person) === key) return { company, person };
    }
  }
  throw new Error(`The demo catalogue names an unknown person "${key}".`);
}
