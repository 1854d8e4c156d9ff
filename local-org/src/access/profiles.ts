// The two standard profiles the local org has. "System Administrator" holds Modify All Data (every record,
// every object). "Standard User" holds the standard profile's object permissions on standard objects and
// nothing on custom objects: those come from permission sets, as Reco's install guide assigns them.
import type { ObjectPerms } from './model.js';

export const SYSTEM_ADMINISTRATOR = 'System Administrator';
export const STANDARD_USER = 'Standard User';

const crud: ObjectPerms = { read: true, create: true, edit: true, delete: true, viewAll: false, modifyAll: false };
const readOnly: ObjectPerms = { read: true, create: false, edit: false, delete: false, viewAll: false, modifyAll: false };

/** Lower-cased object name -> what the Standard User profile grants on it. */
export const STANDARD_USER_OBJECTS: ReadonlyMap<string, ObjectPerms> = new Map([
  ['account', crud],
  ['contact', crud],
  ['opportunity', crud],
  ['opportunitylineitem', crud],
  ['task', crud],
  ['event', crud],
  ['case', crud],
  ['product2', readOnly],
  ['pricebook2', readOnly],
  ['pricebookentry', readOnly],
  ['user', readOnly],
  ['profile', readOnly],
  ['organization', readOnly],
  ['permissionset', readOnly],
  ['permissionsetassignment', readOnly],
]);

export const NO_ACCESS: ObjectPerms = { read: false, create: false, edit: false, delete: false, viewAll: false, modifyAll: false };
