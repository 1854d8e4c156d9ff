// The standard objects Reco touches, with the fields, flags, picklists and relationships a fresh
// Developer Edition org describes (Salesforce Field Reference; facts sheet §8).
import type { FieldDef, ObjectDef } from '../types.js';
import { field, idField, ownerField, picklist, reference, systemFields } from './fields.js';

export type StageInfo = {
  probability: number;
  isClosed: boolean;
  isWon: boolean;
  forecastCategory: string; // API value (Pipeline, Closed, Omitted, ...)
  forecastCategoryName: string; // label-style value (Pipeline, Best Case, Commit, Closed, Omitted)
};

/** Default OpportunityStage rows of a new org, in picklist order. */
export const OPPORTUNITY_STAGES: ReadonlyMap<string, StageInfo> = new Map([
  ['Prospecting', open(10)],
  ['Qualification', open(10)],
  ['Needs Analysis', open(20)],
  ['Value Proposition', open(50)],
  ['Id. Decision Makers', open(60)],
  ['Perception Analysis', open(70)],
  ['Proposal/Price Quote', open(75)],
  ['Negotiation/Review', open(90)],
  ['Closed Won', { probability: 100, isClosed: true, isWon: true, forecastCategory: 'Closed', forecastCategoryName: 'Closed' }],
  ['Closed Lost', { probability: 0, isClosed: true, isWon: false, forecastCategory: 'Omitted', forecastCategoryName: 'Omitted' }],
]);

function open(probability: number): StageInfo {
  return { probability, isClosed: false, isWon: false, forecastCategory: 'Pipeline', forecastCategoryName: 'Pipeline' };
}

/** Task statuses that close a task (default TaskStatus rows). */
export const CLOSED_TASK_STATUSES: ReadonlySet<string> = new Set(['Completed']);

export const STANDARD_KEY_PREFIXES: Readonly<Record<string, string>> = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  OpportunityLineItem: '00k',
  Organization: '00D',
  Profile: '00e',
  Task: '00T',
  Event: '00U',
  Product2: '01t',
  Pricebook2: '01s',
  PricebookEntry: '01u',
};

type ObjectOptions = {
  label?: string;
  labelPlural?: string;
  createable?: boolean;
  updateable?: boolean;
  deletable?: boolean;
};

/** Assembles an object: Id first, then its own fields, then the audit fields. */
export function defineObject(name: string, keyPrefix: string, own: FieldDef[], opts: ObjectOptions = {}): ObjectDef {
  const fields = [idField(), ...own, ...systemFields()];
  const label = opts.label ?? name;
  return {
    name,
    label,
    labelPlural: opts.labelPlural ?? `${label}s`,
    keyPrefix,
    custom: name.endsWith('__c'),
    createable: opts.createable ?? true,
    updateable: opts.updateable ?? true,
    deletable: opts.deletable ?? true,
    queryable: true,
    fields,
    fieldMap: new Map(fields.map((f) => [f.name.toLowerCase(), f])),
    childRelationships: [],
  };
}

const str = (name: string, length: number, opts: Parameters<typeof field>[2] = {}): FieldDef =>
  field(name, 'string', { length, ...opts });
const textarea = (name: string, length: number, opts: Parameters<typeof field>[2] = {}): FieldDef =>
  field(name, 'textarea', { length, ...opts });
const owner = (): FieldDef => ({ ...ownerField(['User']), nillable: false });

function address(prefix: string): FieldDef[] {
  return [
    textarea(`${prefix}Street`, 255),
    str(`${prefix}City`, 40),
    str(`${prefix}State`, 80),
    str(`${prefix}PostalCode`, 20),
    str(`${prefix}Country`, 80),
  ];
}

const ACCOUNT_TYPES = ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Installation Partner', 'Technology Partner', 'Other'];
const INDUSTRIES = ['Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications', 'Construction', 'Consulting', 'Education', 'Electronics', 'Energy', 'Engineering', 'Entertainment', 'Environmental', 'Finance', 'Food & Beverage', 'Government', 'Healthcare', 'Hospitality', 'Insurance', 'Machinery', 'Manufacturing', 'Media', 'Not For Profit', 'Other', 'Recreation', 'Retail', 'Shipping', 'Technology', 'Telecommunications', 'Transportation', 'Utilities'];
const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];

function account(): ObjectDef {
  return defineObject('Account', STANDARD_KEY_PREFIXES.Account, [
    str('Name', 255, { required: true, nameField: true, label: 'Account Name' }),
    field('Type', 'picklist', { label: 'Account Type', picklistValues: picklist(ACCOUNT_TYPES) }),
    reference('ParentId', ['Account'], { label: 'Parent Account ID', relationshipName: 'Parent', childRelationshipName: 'ChildAccounts' }),
    ...address('Billing'),
    ...address('Shipping'),
    field('Phone', 'phone', { length: 40, label: 'Account Phone' }),
    field('Fax', 'phone', { length: 40, label: 'Account Fax' }),
    str('AccountNumber', 40),
    field('Website', 'url', { length: 255 }),
    str('Sic', 20, { label: 'SIC Code' }),
    field('Industry', 'picklist', { picklistValues: picklist(INDUSTRIES) }),
    field('AnnualRevenue', 'currency', { precision: 18, scale: 0, label: 'Annual Revenue' }),
    field('NumberOfEmployees', 'int', { digits: 8, label: 'Employees' }),
    field('Ownership', 'picklist', { picklistValues: picklist(['Public', 'Private', 'Subsidiary', 'Other']) }),
    str('TickerSymbol', 20),
    textarea('Description', 32000, { label: 'Account Description' }),
    field('Rating', 'picklist', { label: 'Account Rating', picklistValues: picklist(['Hot', 'Warm', 'Cold']) }),
    str('Site', 80, { label: 'Account Site' }),
    field('AccountSource', 'picklist', { label: 'Account Source', picklistValues: picklist(LEAD_SOURCES) }),
    owner(),
    field('LastActivityDate', 'date', { readOnly: true, label: 'Last Activity' }),
  ]);
}

function contact(): ObjectDef {
  return defineObject('Contact', STANDARD_KEY_PREFIXES.Contact, [
    reference('AccountId', ['Account'], { label: 'Account ID', childRelationshipName: 'Contacts', cascadeDelete: true }),
    str('LastName', 80, { required: true, label: 'Last Name' }),
    str('FirstName', 40, { label: 'First Name' }),
    field('Salutation', 'picklist', { picklistValues: picklist(['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.']) }),
    str('Name', 121, { readOnly: true, nameField: true, label: 'Full Name' }),
    ...address('Mailing'),
    field('Phone', 'phone', { length: 40, label: 'Business Phone' }),
    field('MobilePhone', 'phone', { length: 40, label: 'Mobile Phone' }),
    field('Email', 'email', { length: 80 }),
    str('Title', 128),
    str('Department', 80),
    reference('ReportsToId', ['Contact'], { label: 'Reports To ID', relationshipName: 'ReportsTo' }),
    field('LeadSource', 'picklist', { picklistValues: picklist(LEAD_SOURCES) }),
    field('Birthdate', 'date'),
    textarea('Description', 32000, { label: 'Contact Description' }),
    owner(),
    field('LastActivityDate', 'date', { readOnly: true, label: 'Last Activity' }),
  ]);
}

function opportunity(): ObjectDef {
  return defineObject('Opportunity', STANDARD_KEY_PREFIXES.Opportunity, [
    reference('AccountId', ['Account'], { label: 'Account ID', childRelationshipName: 'Opportunities', cascadeDelete: true }),
    field('IsPrivate', 'boolean', { label: 'Private' }),
    str('Name', 120, { required: true, nameField: true, label: 'Name' }),
    textarea('Description', 32000),
    field('StageName', 'picklist', {
      required: true,
      label: 'Stage',
      picklistValues: picklist([...OPPORTUNITY_STAGES.keys()]),
      restrictedPicklist: true,
    }),
    field('Amount', 'currency', { precision: 18, scale: 2 }),
    field('Probability', 'percent', { precision: 3, scale: 0, label: 'Probability (%)', defaultedOnCreate: true }),
    field('ExpectedRevenue', 'currency', { precision: 18, scale: 2, readOnly: true, calculated: true, label: 'Expected Amount' }),
    field('TotalOpportunityQuantity', 'double', { precision: 18, scale: 2, label: 'Quantity' }),
    field('CloseDate', 'date', { required: true, label: 'Close Date' }),
    field('Type', 'picklist', { label: 'Opportunity Type', picklistValues: picklist(['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer']) }),
    str('NextStep', 255, { label: 'Next Step' }),
    field('LeadSource', 'picklist', { picklistValues: picklist(LEAD_SOURCES) }),
    field('IsClosed', 'boolean', { readOnly: true, label: 'Closed' }),
    field('IsWon', 'boolean', { readOnly: true, label: 'Won' }),
    field('ForecastCategory', 'picklist', {
      readOnly: true,
      label: 'Forecast Category',
      picklistValues: picklist(['Omitted', 'Pipeline', 'BestCase', 'Forecast', 'Closed']),
    }),
    field('ForecastCategoryName', 'picklist', {
      label: 'Forecast Category',
      defaultedOnCreate: true,
      restrictedPicklist: true,
      picklistValues: picklist(['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed']),
    }),
    reference('CampaignId', ['Campaign'], { label: 'Campaign ID' }),
    field('HasOpportunityLineItem', 'boolean', { readOnly: true, label: 'Has Line Item' }),
    reference('Pricebook2Id', ['Pricebook2'], { label: 'Price Book ID', childRelationshipName: 'Opportunities' }),
    owner(),
    reference('ContactId', ['Contact'], { label: 'Contact ID' }),
    field('LastActivityDate', 'date', { readOnly: true, label: 'Last Activity' }),
    field('FiscalQuarter', 'int', { readOnly: true, digits: 11, label: 'Fiscal Quarter' }),
    field('FiscalYear', 'int', { readOnly: true, digits: 4, label: 'Fiscal Year' }),
    str('Fiscal', 6, { readOnly: true, label: 'Fiscal Period' }),
    field('HasOpenActivity', 'boolean', { readOnly: true, label: 'Has Open Activity' }),
    field('HasOverdueTask', 'boolean', { readOnly: true, label: 'Has Overdue Task' }),
  ]);
}

function opportunityLineItem(): ObjectDef {
  return defineObject('OpportunityLineItem', STANDARD_KEY_PREFIXES.OpportunityLineItem, [
    reference('OpportunityId', ['Opportunity'], {
      required: true,
      createOnly: true,
      label: 'Opportunity ID',
      childRelationshipName: 'OpportunityLineItems',
      cascadeDelete: true,
    }),
    field('SortOrder', 'int', { label: 'Sort Order' }),
    reference('PricebookEntryId', ['PricebookEntry'], { required: true, createOnly: true, label: 'Price Book Entry ID', childRelationshipName: 'OpportunityLineItems', restrictedDelete: true }),
    reference('Product2Id', ['Product2'], { readOnly: true, label: 'Product ID' }),
    str('ProductCode', 255, { readOnly: true, label: 'Product Code' }),
    str('Name', 376, { readOnly: true, nameField: true, label: 'Opportunity Product Name' }),
    field('Quantity', 'double', { required: true, precision: 12, scale: 2 }),
    field('TotalPrice', 'currency', { precision: 18, scale: 2, label: 'Total Price' }),
    field('UnitPrice', 'currency', { precision: 18, scale: 2, label: 'Sales Price' }),
    field('ListPrice', 'currency', { precision: 18, scale: 2, readOnly: true, label: 'List Price' }),
    field('Subtotal', 'currency', { precision: 18, scale: 2, readOnly: true, calculated: true }),
    field('Discount', 'percent', { precision: 5, scale: 2 }),
    field('ServiceDate', 'date', { label: 'Date' }),
    str('Description', 255, { label: 'Line Description' }),
  ], { label: 'Opportunity Product', labelPlural: 'Opportunity Product' });
}

function product2(): ObjectDef {
  return defineObject('Product2', STANDARD_KEY_PREFIXES.Product2, [
    str('Name', 255, { required: true, nameField: true, label: 'Product Name' }),
    str('ProductCode', 255, { label: 'Product Code' }),
    textarea('Description', 4000, { label: 'Product Description' }),
    field('IsActive', 'boolean', { label: 'Active' }),
    field('Family', 'picklist', { label: 'Product Family', picklistValues: picklist(['None']) }),
    str('ExternalId', 255, { label: 'External ID', externalId: true }),
    field('DisplayUrl', 'url', { length: 1000, label: 'Display URL' }),
    field('QuantityUnitOfMeasure', 'picklist', { label: 'Quantity Unit Of Measure', picklistValues: picklist(['Each']) }),
    str('StockKeepingUnit', 180, { label: 'Product SKU' }),
    field('IsArchived', 'boolean', { readOnly: true, label: 'Archived' }),
  ], { label: 'Product' });
}

function pricebook2(): ObjectDef {
  return defineObject('Pricebook2', STANDARD_KEY_PREFIXES.Pricebook2, [
    str('Name', 255, { required: true, nameField: true, label: 'Price Book Name' }),
    field('IsActive', 'boolean', { label: 'Active' }),
    field('IsArchived', 'boolean', { readOnly: true, label: 'Archived' }),
    str('Description', 255),
    field('IsStandard', 'boolean', { readOnly: true, label: 'Is Standard Price Book' }),
  ], { label: 'Price Book' });
}

function pricebookEntry(): ObjectDef {
  return defineObject('PricebookEntry', STANDARD_KEY_PREFIXES.PricebookEntry, [
    str('Name', 255, { readOnly: true, nameField: true, label: 'Product Name' }),
    reference('Pricebook2Id', ['Pricebook2'], { required: true, createOnly: true, label: 'Price Book ID', childRelationshipName: 'PricebookEntries', cascadeDelete: true }),
    reference('Product2Id', ['Product2'], { required: true, createOnly: true, label: 'Product ID', childRelationshipName: 'PricebookEntries', cascadeDelete: true }),
    field('UnitPrice', 'currency', { required: true, precision: 18, scale: 2, label: 'List Price' }),
    field('IsActive', 'boolean', { label: 'Active' }),
    field('UseStandardPrice', 'boolean', { label: 'Use Standard Price' }),
    str('ProductCode', 255, { readOnly: true, label: 'Product Code' }),
    field('IsArchived', 'boolean', { readOnly: true, label: 'Archived' }),
  ], { label: 'Price Book Entry', labelPlural: 'Price Book Entries' });
}

const TASK_STATUSES = ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'];
const ACTIVITY_TYPES = ['Call', 'Email', 'Meeting', 'Other'];

/** Fields Task and Event share; WhatId's targets grow with custom objects that enable activities. */
function activityFields(whatTargets: string[], childName: string): FieldDef[] {
  return [
    reference('WhoId', ['Contact'], { label: 'Name ID', relationshipName: 'Who', childRelationshipName: childName, cascadeDelete: true }),
    reference('WhatId', whatTargets, { label: 'Related To ID', relationshipName: 'What', childRelationshipName: childName, cascadeDelete: true }),
    field('Subject', 'combobox', { length: 255, picklistValues: picklist(['Call', 'Send Letter', 'Send Quote', 'Other']) }),
    field('ActivityDate', 'date', { label: 'Due Date Only' }),
    textarea('Description', 32000),
    field('Type', 'picklist', { picklistValues: picklist(ACTIVITY_TYPES) }),
    reference('AccountId', ['Account'], { readOnly: true, label: 'Account ID', childRelationshipName: null }),
    owner(),
    field('IsArchived', 'boolean', { readOnly: true, label: 'Archived' }),
  ];
}

function task(whatTargets: string[]): ObjectDef {
  return defineObject('Task', STANDARD_KEY_PREFIXES.Task, [
    ...activityFields(whatTargets, 'Tasks'),
    field('Status', 'picklist', { required: true, defaultedOnCreate: true, defaultValue: 'Not Started', restrictedPicklist: true, picklistValues: picklist(TASK_STATUSES, 'Not Started') }),
    field('Priority', 'picklist', { required: true, defaultedOnCreate: true, defaultValue: 'Normal', restrictedPicklist: true, picklistValues: picklist(['High', 'Normal', 'Low'], 'Normal') }),
    field('IsHighPriority', 'boolean', { readOnly: true, label: 'High Priority' }),
    field('IsClosed', 'boolean', { readOnly: true, label: 'Closed' }),
    field('TaskSubtype', 'picklist', { createOnly: true, defaultedOnCreate: true, defaultValue: 'Task', restrictedPicklist: true, label: 'Task Subtype', picklistValues: picklist(['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'], 'Task') }),
    field('CompletedDateTime', 'datetime', { readOnly: true, label: 'Completed Date/Time' }),
    field('CallDurationInSeconds', 'int', { digits: 8, label: 'Call Duration' }),
    field('CallType', 'picklist', { label: 'Call Type', picklistValues: picklist(['Internal', 'Inbound', 'Outbound']) }),
    str('CallDisposition', 255, { label: 'Call Result' }),
    str('CallObject', 255, { label: 'Call Object Identifier' }),
    field('ReminderDateTime', 'datetime', { label: 'Reminder Date/Time' }),
    field('IsReminderSet', 'boolean', { label: 'Reminder Set' }),
    field('IsRecurrence', 'boolean', { createOnly: true, label: 'Create Recurring Series of Tasks' }),
  ], { label: 'Task' });
}

function event(whatTargets: string[]): ObjectDef {
  return defineObject('Event', STANDARD_KEY_PREFIXES.Event, [
    ...activityFields(whatTargets, 'Events'),
    field('ActivityDateTime', 'datetime', { label: 'Due Date Time' }),
    field('StartDateTime', 'datetime', { label: 'Start Date Time' }),
    field('EndDateTime', 'datetime', { label: 'End Date Time' }),
    field('DurationInMinutes', 'int', { digits: 8, label: 'Duration' }),
    field('IsAllDayEvent', 'boolean', { label: 'All-Day Event' }),
    str('Location', 255),
    field('ShowAs', 'picklist', { label: 'Show Time As', defaultedOnCreate: true, defaultValue: 'Busy', picklistValues: picklist(['Busy', 'OutOfOffice', 'Free'], 'Busy') }),
    field('IsPrivate', 'boolean', { label: 'Private' }),
    field('EventSubtype', 'picklist', { createOnly: true, defaultedOnCreate: true, defaultValue: 'Event', label: 'Event Subtype', picklistValues: picklist(['Event'], 'Event') }),
  ], { label: 'Event' });
}

function user(): ObjectDef {
  return defineObject('User', STANDARD_KEY_PREFIXES.User, [
    str('Username', 80, { required: true, unique: true, idLookup: true }),
    str('LastName', 80, { required: true, label: 'Last Name' }),
    str('FirstName', 40, { label: 'First Name' }),
    str('Name', 121, { readOnly: true, nameField: true, label: 'Full Name' }),
    str('CompanyName', 80, { label: 'Company Name' }),
    str('Title', 80),
    str('Department', 80),
    field('Email', 'email', { length: 128, required: true }),
    field('Phone', 'phone', { length: 40 }),
    str('Alias', 8, { required: true }),
    str('CommunityNickname', 40, { label: 'Nickname' }),
    field('IsActive', 'boolean', { label: 'Active', defaultValue: true }),
    field('TimeZoneSidKey', 'picklist', { required: true, label: 'Time Zone', picklistValues: picklist(['GMT', 'Europe/London', 'Europe/Paris', 'America/New_York', 'America/Los_Angeles']) }),
    field('LocaleSidKey', 'picklist', { required: true, label: 'Locale', picklistValues: picklist(['en_US', 'en_GB']) }),
    field('EmailEncodingKey', 'picklist', { required: true, label: 'Email Encoding', picklistValues: picklist(['UTF-8', 'ISO-8859-1']) }),
    field('LanguageLocaleKey', 'picklist', { required: true, label: 'Language', picklistValues: picklist(['en_US']) }),
    reference('ProfileId', ['Profile'], { required: true, label: 'Profile ID' }),
    reference('ManagerId', ['User'], { label: 'Manager ID' }),
    field('UserType', 'picklist', { readOnly: true, label: 'User Type', picklistValues: picklist(['Standard', 'AutomatedProcess']) }),
    field('LastLoginDate', 'datetime', { readOnly: true, label: 'Last Login' }),
  ], { deletable: false });
}

function profile(): ObjectDef {
  return defineObject('Profile', STANDARD_KEY_PREFIXES.Profile, [
    str('Name', 255, { required: true, nameField: true }),
    field('UserType', 'picklist', { readOnly: true, label: 'User Type', picklistValues: picklist(['Standard']) }),
    str('Description', 255),
  ], { createable: false, updateable: false, deletable: false });
}

/** ISO 4217 codes the runtime knows: the values a real org's currency picklists offer. */
export const ISO_CURRENCY_CODES: readonly string[] = Intl.supportedValuesOf('currency');

/** A new org's currency unless one is configured: a new Salesforce org's default locale (en_US) gives USD. */
export const DEFAULT_ORG_CURRENCY = 'USD';

function organization(): ObjectDef {
  return defineObject('Organization', STANDARD_KEY_PREFIXES.Organization, [
    str('Name', 80, { required: true, nameField: true }),
    str('Division', 80),
    str('Country', 80),
    str('InstanceName', 5, { readOnly: true, label: 'Instance Name' }),
    field('IsSandbox', 'boolean', { readOnly: true, label: 'Is Sandbox' }),
    field('TrialExpirationDate', 'datetime', { readOnly: true, label: 'Trial Expiration Date' }),
    str('NamespacePrefix', 15, { readOnly: true, label: 'Namespace Prefix' }),
    field('OrganizationType', 'picklist', { readOnly: true, label: 'Edition', picklistValues: picklist(['Developer Edition', 'Enterprise Edition', 'Unlimited Edition']) }),
    field('IsReadOnly', 'boolean', { readOnly: true, label: 'Is Read Only' }),
    field('TimeZoneSidKey', 'picklist', { label: 'Default Time Zone', picklistValues: picklist(['GMT']) }),
    field('LanguageLocaleKey', 'picklist', { label: 'Language', picklistValues: picklist(['en_US']) }),
    field('DefaultLocaleSidKey', 'picklist', { label: 'Default Locale', picklistValues: picklist(['en_US']) }),
    // A single-currency org's currency (what every amount is in), set in Setup (Company Information), not by
    // DML; restricted to ISO 4217 codes as in a real org.
    field('DefaultCurrencyIsoCode', 'picklist', { readOnly: true, label: 'Currency ISO Code', length: 3, restrictedPicklist: true, picklistValues: picklist(ISO_CURRENCY_CODES) }),
  ], { createable: false, updateable: false, deletable: false });
}

/**
 * Fresh definitions of the standard objects. `activityTargets` are the custom objects with
 * enableActivities, which Task/Event WhatId may point to.
 */
export function standardObjects(activityTargets: string[] = []): ObjectDef[] {
  const what = ['Account', 'Opportunity', ...activityTargets];
  return [account(), contact(), opportunity(), opportunityLineItem(), product2(), pricebook2(), pricebookEntry(), task(what), event(what), user(), profile(), organization()];
}
