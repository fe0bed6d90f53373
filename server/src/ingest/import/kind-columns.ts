/**
 * Columns of the files that are not deals: which header fills which field, guessed from the
 * names HubSpot, Salesforce and Pipedrive give them in their exports (reduced by looseKey:
 * Pipedrive's "Activity - Assigned to user" is `activityassignedtouser`), and which of our
 * activity types a CRM's type means.
 */
import type { ActivityType, ImportColumns, ImportKindField } from '@salesboard/shared';
import { badField } from '../../common/errors.js';
import { nameKey } from '../../org/org.entities.js';
import { looseKey } from './values.js';

export type OrgKind = 'reps' | 'accounts' | 'products' | 'activities' | 'exchange-rates';

/** Header names per field, most specific first. A header serves one field at most. */
const HEADER_NAMES: { [K in OrgKind]: Record<ImportKindField<K>, string[]> } = {
  reps: {
    name: ['fullname', 'username', 'repname', 'salesrep', 'name', 'user'],
    firstName: ['firstname', 'givenname'],
    lastName: ['lastname', 'surname', 'familyname'],
    email: ['email', 'emailaddress', 'useremail', 'primaryemail'],
    team: ['team', 'teamname', 'primaryteam', 'salesteam', 'teams'],
    territory: ['territory', 'territoryname', 'salesterritory'],
    active: ['active', 'isactive', 'activeflag', 'userstatus', 'status'],
  },
  accounts: {
    name: ['companyname', 'accountname', 'organizationname', 'organisationname', 'name', 'company', 'account', 'organization'],
    territory: ['territory', 'salesterritory', 'territoryname', 'accountterritory'],
  },
  products: {
    name: ['productname', 'name', 'product'],
    listPrice: ['unitprice', 'listprice', 'price', 'productprice', 'productunitprice', 'unitprices'],
    marginPct: ['marginpct', 'marginpercent', 'margin', 'grossmargin', 'productmargin'],
    unitCost: ['unitcost', 'costofgoodssold', 'cost', 'productcost', 'directcost'],
  },
  activities: {
    externalId: ['recordid', 'activityid', 'engagementid', 'taskid', 'eventid', 'id'],
    type: ['activitytype', 'type', 'tasksubtype', 'eventsubtype', 'engagementtype', 'subtype'],
    subject: ['subject', 'activitysubject', 'calltitle', 'meetingname', 'emailsubject', 'title'],
    at: ['activitydate', 'activityduedate', 'date', 'duedate', 'calldate', 'meetingstarttime', 'startdate', 'completeddate', 'timestamp'],
    owner: ['activityassignedto', 'activityassignedtouser', 'assignedto', 'assigned', 'activityowner', 'hubspotowner', 'owner', 'user', 'rep'],
    deal: ['associateddeal', 'associateddeals', 'activitydeal', 'deal', 'dealtitle', 'dealname', 'relatedto', 'opportunity', 'opportunityname'],
    note: ['notes', 'note', 'activitynote', 'callnotes', 'description', 'comments', 'comment', 'body'],
    outcome: ['calloutcome', 'meetingoutcome', 'outcome', 'callresult', 'result'],
    done: ['activitydone', 'done', 'completed', 'iscompleted', 'status'],
  },
  'exchange-rates': {
    currency: ['currency', 'currencycode', 'isocode', 'code', 'fromcurrency'],
    validFrom: ['validfrom', 'date', 'effectivedate', 'effectivefrom', 'from', 'startdate'],
    rate: ['rate', 'exchangerate', 'fxrate', 'conversionrate', 'value'],
  },
};

/** A file needs one of these columns, or there is nothing to import. */
const REQUIRED: { [K in OrgKind]: { fields: ImportKindField<K>[]; what: string } } = {
  reps: { fields: ['name', 'firstName', 'lastName', 'email'], what: "the rep's name or email" },
  accounts: { fields: ['name'], what: 'the account name' },
  products: { fields: ['name'], what: 'the product name' },
  activities: { fields: ['at'], what: 'the date of the activity' },
  'exchange-rates': { fields: ['rate'], what: 'the rate' },
};

export interface KindPlan<K extends OrgKind> {
  columns: ImportColumns;
  index: Partial<Record<ImportKindField<K>, number>>;
  unmappedHeaders: string[];
}

/**
 * The columns to read: the caller's mapping where given (a header the file does not have is a
 * 400 naming it), guesses for the rest; a file without the kind's required column is a 400.
 */
export function planKindColumns<K extends OrgKind>(
  kind: K,
  headers: string[],
  requested: Partial<Record<ImportKindField<K>, string | null>> = {},
  requireKey = true,
): KindPlan<K> {
  const byKey = new Map<string, string>();
  for (const header of headers) if (!byKey.has(looseKey(header))) byKey.set(looseKey(header), header);
  const claimed = new Set(Object.values(requested).filter((h): h is string => typeof h === 'string'));
  const used = new Set<string>();
  const columns: ImportColumns = {};
  const index: KindPlan<K>['index'] = {};
  const names = HEADER_NAMES[kind] as Record<ImportKindField<K>, string[]>;
  for (const field of Object.keys(names) as ImportKindField<K>[]) {
    const wanted = requested[field];
    if (wanted === null) continue;
    let header: string | undefined;
    if (wanted !== undefined) {
      header = headers.find((h) => h === wanted) ?? headers.find((h) => nameKey(h) === nameKey(wanted));
      if (header === undefined) throw badField(`mapping.columns.${field}`, `"${wanted}" is not a column of the file (its columns: ${headers.join(', ')})`);
    } else {
      header = names[field].map((n) => byKey.get(n)).find((h): h is string => h !== undefined && !used.has(h) && !claimed.has(h));
    }
    if (header === undefined) continue;
    used.add(header);
    columns[field] = header;
    index[field] = headers.indexOf(header);
  }
  const required = REQUIRED[kind] as { fields: ImportKindField<K>[]; what: string };
  if (requireKey && !required.fields.some((field) => index[field] !== undefined)) {
    throw badField(
      Object.keys(columns).length ? `mapping.columns.${required.fields[0]}` : 'file',
      Object.keys(columns).length
        ? `no column holds ${required.what}; map one of: ${headers.join(', ')}`
        : `no column could be mapped to a field of ${kind} (its columns: ${headers.join(', ')}); send a mapping`,
    );
  }
  return { columns, index, unmappedHeaders: headers.filter((h) => h !== '' && !used.has(h)) };
}

/** CRM activity types → ours. HubSpot's engagement types, Salesforce's subtypes and subjects, Pipedrive's default types. */
const TYPE_SYNONYMS: Record<ActivityType, string[]> = {
  call: ['call', 'calls', 'phonecall', 'logacall', 'outboundcall', 'inboundcall', 'phone'],
  email: ['email', 'emails', 'sentemail', 'emailsent', 'incomingemail', 'forwardedemail', 'mail', 'sendemail'],
  meeting: ['meeting', 'meetings', 'lunch', 'appointment', 'event', 'visit', 'sitevisit', 'meetingevent'],
  demo: ['demo', 'demos', 'productdemo', 'demonstration', 'presentation'],
};

/**
 * Our type for a CRM's type value, or null. A subject such as "Call: follow-up" or "Email
 * proposal" is read by its first word, for Salesforce files whose only type is the subject.
 */
export function guessActivityType(value: string, fromSubject = false): ActivityType | null {
  const key = looseKey(value);
  if (!key) return null;
  const candidates = fromSubject ? [key, looseKey(value.trim().split(/[\s:—–-]+/)[0] ?? '')] : [key];
  for (const candidate of candidates)
    for (const [type, names] of Object.entries(TYPE_SYNONYMS) as [ActivityType, string[]][]) if (names.includes(candidate)) return type;
  return null;
}
