// A small org for SOQL engine tests, independent of the real store: a Schema with the objects the engine
// needs and SQLite tables per the storage convention in local-org/src/types.ts.
import { DatabaseSync } from 'node:sqlite';
import type { ChildRelationship, FieldDef, FieldType, ObjectDef, OrgStore, Schema, SfRecord } from '../../local-org/src/types.js';
import { withChecksum } from '../../local-org/src/soql/ids.js';

type FieldSpec = [name: string, type: FieldType, extra?: Partial<FieldDef>];

function field([name, type, extra]: FieldSpec): FieldDef {
  return {
    name, label: name, type, length: 0, precision: 0, scale: 0, digits: 0, nillable: true, createable: true,
    updateable: true, defaultedOnCreate: false, defaultValue: null, custom: name.endsWith('__c'), externalId: false,
    unique: false, caseSensitive: false, idLookup: name === 'Id', nameField: name === 'Name', autoNumber: false,
    calculated: false, referenceTo: [], relationshipName: null, cascadeDelete: false, restrictedDelete: false,
    picklistValues: [], restrictedPicklist: false, filterable: true, sortable: true, groupable: true, aggregatable: true,
    ...extra,
  };
}
const ref = (name: string, to: string[], rel: string): FieldSpec => [name, 'reference', { referenceTo: to, relationshipName: rel }];

const SYSTEM: FieldSpec[] = [
  ['Id', 'id'], ['IsDeleted', 'boolean'], ['CreatedDate', 'datetime'], ['LastModifiedDate', 'datetime'], ['SystemModstamp', 'datetime'],
];

const OBJECTS: Record<string, { prefix: string; fields: FieldSpec[] }> = {
  User: { prefix: '005', fields: [['Name', 'string'], ['Alias', 'string']] },
  Account: {
    prefix: '001',
    fields: [['Name', 'string'], ['Industry', 'picklist'], ['AnnualRevenue', 'currency'], ['NumberOfEmployees', 'int'],
      ['Regions__c', 'multipicklist'], ['Active__c', 'boolean'], ref('OwnerId', ['User'], 'Owner'), ref('ParentId', ['Account'], 'Parent')],
  },
  Contact: { prefix: '003', fields: [['LastName', 'string'], ['Name', 'string'], ref('AccountId', ['Account'], 'Account')] },
  Opportunity: {
    prefix: '006',
    fields: [['Name', 'string'], ['StageName', 'picklist'], ['Amount', 'currency'], ['CloseDate', 'date'], ['IsWon', 'boolean'],
      ref('AccountId', ['Account'], 'Account'), ref('OwnerId', ['User'], 'Owner')],
  },
  Product2: { prefix: '01t', fields: [['Name', 'string'], ['Family', 'picklist'], ['ProductCode', 'string']] },
  PricebookEntry: { prefix: '01u', fields: [['Name', 'string'], ['UnitPrice', 'currency'], ref('Product2Id', ['Product2'], 'Product2')] },
  OpportunityLineItem: {
    prefix: '00k',
    fields: [['Quantity', 'double'], ['UnitPrice', 'currency'], ['TotalPrice', 'currency'], ['ServiceDate', 'date'],
      ref('OpportunityId', ['Opportunity'], 'Opportunity'), ref('PricebookEntryId', ['PricebookEntry'], 'PricebookEntry'),
      ref('Product2Id', ['Product2'], 'Product2')],
  },
  Task: {
    prefix: '00T',
    fields: [['Subject', 'string'], ['ActivityDate', 'date'], ref('WhatId', ['Account', 'Opportunity'], 'What'),
      ref('WhoId', ['Contact'], 'Who'), ref('OwnerId', ['User'], 'Owner')],
  },
  Product_Recommendation__c: {
    prefix: 'a00',
    fields: [['Name', 'string'], ['Score__c', 'double'], ref('Account__c', ['Account'], 'Account__r'), ref('Product__c', ['Product2'], 'Product__r')],
  },
};

function buildSchema(): Schema {
  const defs: ObjectDef[] = Object.entries(OBJECTS).map(([name, spec]) => {
    const fields = [...SYSTEM, ...spec.fields].map(field);
    return {
      name, label: name, labelPlural: `${name}s`, keyPrefix: spec.prefix, custom: name.endsWith('__c'), createable: true,
      updateable: true, deletable: true, queryable: true, fields, fieldMap: new Map(fields.map((f) => [f.name.toLowerCase(), f])),
      childRelationships: [] as ChildRelationship[],
    };
  });
  const plural: Record<string, string> = {
    'Contact.AccountId': 'Contacts', 'Opportunity.AccountId': 'Opportunities', 'OpportunityLineItem.OpportunityId': 'OpportunityLineItems',
    'Task.WhatId': 'Tasks', 'Product_Recommendation__c.Account__c': 'Product_Recommendations__r',
  };
  for (const child of defs) {
    for (const f of child.fields) {
      for (const to of f.referenceTo) {
        defs.find((d) => d.name === to)?.childRelationships.push({
          childSObject: child.name, field: f.name, relationshipName: plural[`${child.name}.${f.name}`] ?? null,
          cascadeDelete: false, restrictedDelete: false,
        });
      }
    }
  }
  return {
    objects: () => defs,
    get: (n) => defs.find((d) => d.name.toLowerCase() === n.toLowerCase()),
    byKeyPrefix: (p) => defs.find((d) => d.keyPrefix === p),
  };
}

const SQL_TYPE: Partial<Record<FieldType, string>> = { boolean: 'INTEGER', int: 'REAL', double: 'REAL', currency: 'REAL', percent: 'REAL' };

export type TestOrg = OrgStore & { add(object: string, rec: SfRecord): string; close(): void; clock: Date };

/** An OrgStore with schema, db and clock; DML goes through `add` (raw insert) since the engine only reads. */
export function testOrg(now = new Date('2024-05-15T10:30:00.000Z')): TestOrg {
  const schema = buildSchema();
  const db = new DatabaseSync(':memory:');
  for (const o of schema.objects()) {
    const cols = o.fields.map((f) => `"${f.name}" ${SQL_TYPE[f.type] ?? 'TEXT'}${f.name === 'Id' ? ' PRIMARY KEY' : ''}`);
    db.exec(`CREATE TABLE "${o.name}" (${cols.join(', ')})`);
    for (const f of o.fields) if (f.type === 'reference') db.exec(`CREATE INDEX "${o.name}_${f.name}" ON "${o.name}" ("${f.name}")`);
  }
  const counters = new Map<string, number>();
  const unsupported = (): never => {
    throw new Error('not part of the SOQL test org');
  };
  const org: TestOrg = {
    schema, db, clock: now,
    now: () => org.clock,
    transaction: (fn) => fn(),
    insert: unsupported, update: unsupported, upsert: unsupported, delete: unsupported, retrieve: unsupported,
    findByExternalId: unsupported,
    close: () => db.close(),
    add(object, rec) {
      const o = schema.get(object)!;
      const n = (counters.get(o.name) ?? 0) + 1;
      counters.set(o.name, n);
      const id = (rec.Id as string | undefined) ?? withChecksum(`${o.keyPrefix}5g${n.toString(36).toUpperCase().padStart(10, '0')}`);
      const stamp = now.toISOString();
      const full: SfRecord = { IsDeleted: false, CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp, ...rec, Id: id };
      const names = Object.keys(full);
      const values = names.map((k) => (typeof full[k] === 'boolean' ? (full[k] ? 1 : 0) : (full[k] as string | number | null)));
      db.prepare(`INSERT INTO "${o.name}" (${names.map((k) => `"${k}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).run(...values);
      return id;
    },
  };
  return org;
}
