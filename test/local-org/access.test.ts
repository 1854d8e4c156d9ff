// local-org's record access for users without Modify All Data: object permissions from the profile and
// the deployed permission sets assigned to the user, the Account OWD and owner, master-detail children
// needing edit access to their master (unless the deployed field says writeRequiresMasterRead), lookups
// needing read access to their target. Everything comes from what was deployed and assigned: these tests
// change access only by deploying metadata and assigning permission sets, as an admin would.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAccessPolicy, type LocalAccessPolicy } from '../../local-org/src/access/policy.js';
import { assignPermissionSets, deploySource } from '../../local-org/src/metadata-api/fast-path.js';
import { openOrgStore, SALES_REP_USERNAME, type LocalOrgStore } from '../../local-org/src/store/org-store.js';
import type { SaveResult } from '../../local-org/src/types.js';
import { installReco, RECO_SOURCE } from '../support/reco-org.js';

const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';

/**
 * An SFDX source directory holding only what the design before reactions changed: Reco_Sales_Rep with
 * Create/Edit on Product_Recommendation__c, and the recommendation's Account__c master-detail field with
 * the given writeRequiresMasterRead. Deployed over Reco, as an admin would redeploy.
 */
function beforeReactionsSource(dir: string, writeRequiresMasterRead: boolean): string {
  const src = path.join(dir, `before-reactions-${String(writeRequiresMasterRead)}`);
  fs.mkdirSync(path.join(src, 'permissionsets'), { recursive: true });
  fs.mkdirSync(path.join(src, 'objects/Product_Recommendation__c/fields'), { recursive: true });
  fs.writeFileSync(
    path.join(src, 'permissionsets/Reco_Sales_Rep.permissionset-meta.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="${METADATA_NS}">
    <label>Reco Sales Rep</label>
    <objectPermissions>
        <allowCreate>true</allowCreate>
        <allowDelete>false</allowDelete>
        <allowEdit>true</allowEdit>
        <allowRead>true</allowRead>
        <modifyAllRecords>false</modifyAllRecords>
        <object>Product_Recommendation__c</object>
        <viewAllRecords>false</viewAllRecords>
    </objectPermissions>
</PermissionSet>
`,
  );
  const field = fs.readFileSync(path.join(RECO_SOURCE, 'main/default/objects/Product_Recommendation__c/fields/Account__c.field-meta.xml'), 'utf8');
  expect(field).to.include('<writeRequiresMasterRead>false</writeRequiresMasterRead>');
  fs.writeFileSync(
    path.join(src, 'objects/Product_Recommendation__c/fields/Account__c.field-meta.xml'),
    field.replace('<writeRequiresMasterRead>false</writeRequiresMasterRead>', `<writeRequiresMasterRead>${String(writeRequiresMasterRead)}</writeRequiresMasterRead>`),
  );
  return src;
}

function ids(results: SaveResult[]): string[] {
  for (const r of results) expect(r.success, JSON.stringify(r.errors)).to.equal(true);
  return results.map((r) => r.id as string);
}
const errorOf = (results: SaveResult[]) => {
  expect(results[0].success, 'the write should have been refused').to.equal(false);
  return results[0].errors[0];
};

describe('local-org access: sharing and object permissions for users without Modify All Data', () => {
  let store: LocalOrgStore;
  let access: LocalAccessPolicy;
  let rep: string;
  let theirs: string; // an Account the rep can only read (Public Read Only, owned by the admin)
  let mine: string; // an Account the rep owns
  let product: string;
  let recOnTheirs: string;
  let recOnMine: string;

  let tmp: string;

  /** A new org with Reco deployed (and, unless `assign` is false, its permission sets assigned). */
  function open(assign = true): void {
    access = createAccessPolicy();
    store = openOrgStore({ access });
    if (assign) installReco(store);
    else deploySource(store, RECO_SOURCE);
    access.setOrgWideDefault('Account', 'Read');
    rep = store.identity.salesRepUserId;
    [theirs, mine] = ids(store.insert('Account', [{ Name: 'Theirs' }, { Name: 'Mine', OwnerId: rep }]));
    [product] = ids(store.insert('Product2', [{ Name: 'Widget', ProductCode: 'W1', IsActive: true }]));
    [recOnTheirs, recOnMine] = ids(store.insert('Product_Recommendation__c', [
      { Account__c: theirs, Product__c: product, External_Id__c: 'T-W1-XS', Status__c: 'New' },
      { Account__c: mine, Product__c: product, External_Id__c: 'M-W1-XS', Status__c: 'New' },
    ]));
  }
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-access-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const asRep = <T>(fn: () => T): T => store.asUser(rep, fn);
  afterEach(() => store.close());

  describe('the design before reactions (reps edited Status__c; Reco_Sales_Rep had Edit on the recommendation), redeployed over Reco', () => {
    function redeployBeforeReactions(writeRequiresMasterRead: boolean): void {
      deploySource(store, beforeReactionsSource(tmp, writeRequiresMasterRead));
    }

    it('refuses a rep who can only read the Account, with Salesforce error, and lets the Account owner', () => {
      open();
      redeployBeforeReactions(false);
      const refused = asRep(() => store.update('Product_Recommendation__c', [{ Id: recOnTheirs, Status__c: 'Accepted' }]));
      expect(errorOf(refused)).to.deep.equal({ errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: 'insufficient access rights on object id', fields: [] });
      expect(store.retrieve('Product_Recommendation__c', recOnTheirs)?.Status__c).to.equal('New');
      ids(asRep(() => store.update('Product_Recommendation__c', [{ Id: recOnMine, Status__c: 'Accepted' }])));
    });

    it('lets read access to the Account suffice once the master-detail field is redeployed with writeRequiresMasterRead', () => {
      open();
      redeployBeforeReactions(false);
      expect(errorOf(asRep(() => store.update('Product_Recommendation__c', [{ Id: recOnTheirs, Status__c: 'Accepted' }]))).errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
      redeployBeforeReactions(true);
      ids(asRep(() => store.update('Product_Recommendation__c', [{ Id: recOnTheirs, Status__c: 'Accepted' }])));
    });

    it('refuses to create a detail record under a master the user can only read', () => {
      open();
      redeployBeforeReactions(false);
      const refused = asRep(() => store.insert('Product_Recommendation__c', [{ Account__c: theirs, Product__c: product, External_Id__c: 'T-W1-BA' }]));
      expect(errorOf(refused)).to.deep.equal({ errorCode: 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY', message: `insufficient access rights on cross-reference id: ${theirs}`, fields: [] });
      ids(asRep(() => store.insert('Product_Recommendation__c', [{ Account__c: mine, Product__c: product, External_Id__c: 'M-W1-BA' }])));
    });
  });

  describe('reactions (the permission sets as deployed)', () => {
    beforeEach(() => open());

    it('lets a rep who can only read the Account react to its recommendation, as the reaction owner', () => {
      const [id] = ids(asRep(() => store.insert('Recommendation_Reaction__c', [
        { Recommendation__c: recOnTheirs, Account__c: theirs, Product__c: product, Reaction__c: 'Dismissed', Dismiss_Reason__c: 'Too expensive', Comment__c: 'asked last week' },
      ])));
      expect(store.retrieve('Recommendation_Reaction__c', id)).to.include({ OwnerId: rep, CreatedById: rep, Reaction__c: 'Dismissed' });
    });

    it('no longer lets a rep edit a recommendation at all, even on an Account they own: Reco derives its status', () => {
      for (const rec of [recOnTheirs, recOnMine]) {
        expect(errorOf(asRep(() => store.update('Product_Recommendation__c', [{ Id: rec, Status__c: 'Accepted' }]))).errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
      }
    });

    it('keeps reactions insert-only for reps: no edit or delete, even of their own', () => {
      const [id] = ids(asRep(() => store.insert('Recommendation_Reaction__c', [{ Recommendation__c: recOnTheirs, Account__c: theirs, Product__c: product, Reaction__c: 'Accepted' }])));
      expect(errorOf(asRep(() => store.update('Recommendation_Reaction__c', [{ Id: id, Reaction__c: 'Dismissed' }]))).errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
      expect(errorOf(asRep(() => store.delete([id]))).errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
    });

    it('refuses a lookup to a record the rep cannot see (Private Account OWD), with Salesforce error', () => {
      access.setOrgWideDefault('Account', 'Private');
      const refused = asRep(() => store.insert('Recommendation_Reaction__c', [{ Account__c: theirs, Product__c: product, Reaction__c: 'Accepted' }]));
      expect(errorOf(refused)).to.deep.equal({ errorCode: 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY', message: `insufficient access rights on cross-reference id: ${theirs}`, fields: [] });
      ids(asRep(() => store.insert('Recommendation_Reaction__c', [{ Account__c: mine, Product__c: product, Reaction__c: 'Accepted' }])));
    });

    it('refuses objects the rep has no permission on, and leaves Modify All Data users alone', () => {
      expect(errorOf(asRep(() => store.insert('Reco_Run__c', [{ External_Id__c: 'run-1' }]))).errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
      ids(store.asUser(store.identity.integrationUserId, () => store.update('Product_Recommendation__c', [{ Id: recOnTheirs, Status__c: 'Expired' }])));
    });

    it('follows permission set assignments as they change', () => {
      const assignment = store.db.prepare('SELECT a.Id AS id FROM PermissionSetAssignment a JOIN PermissionSet p ON p.Id = a.PermissionSetId WHERE a.AssigneeId = ? AND p.Name = ?').get(rep, 'Reco_Sales_Rep') as { id: string };
      ids(store.delete([assignment.id]));
      expect(errorOf(asRep(() => store.insert('Recommendation_Reaction__c', [{ Account__c: theirs, Product__c: product, Reaction__c: 'Accepted' }]))).errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
    });

    it('gives the rep nothing on Reco objects until Reco_Sales_Rep is assigned, then what it grants', () => {
      store.close();
      open(false);
      const react = () => asRep(() => store.insert('Recommendation_Reaction__c', [{ Recommendation__c: recOnTheirs, Account__c: theirs, Product__c: product, Reaction__c: 'Accepted' }]));
      expect(errorOf(react()).errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
      assignPermissionSets(store, SALES_REP_USERNAME, ['Reco_Sales_Rep']);
      ids(react());
    });

    it('forgets access granted inside a transaction that rolled back', () => {
      store.close();
      open(false);
      const react = () => asRep(() => store.insert('Recommendation_Reaction__c', [{ Recommendation__c: recOnTheirs, Account__c: theirs, Product__c: product, Reaction__c: 'Accepted' }]));
      expect(() =>
        store.transaction(() => {
          assignPermissionSets(store, SALES_REP_USERNAME, ['Reco_Sales_Rep']);
          ids(react());
          throw new Error('undo');
        }),
      ).to.throw('undo');
      expect(errorOf(react()).errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
    });

    it('follows a redeployed permission set that takes a grant back', () => {
      const src = path.join(tmp, 'no-reactions');
      fs.mkdirSync(path.join(src, 'permissionsets'), { recursive: true });
      fs.writeFileSync(
        path.join(src, 'permissionsets/Reco_Sales_Rep.permissionset-meta.xml'),
        `<PermissionSet xmlns="${METADATA_NS}"><label>Reco Sales Rep</label><objectPermissions><allowCreate>false</allowCreate><allowDelete>false</allowDelete><allowEdit>false</allowEdit><allowRead>true</allowRead><modifyAllRecords>false</modifyAllRecords><object>Recommendation_Reaction__c</object><viewAllRecords>false</viewAllRecords></objectPermissions></PermissionSet>`,
      );
      ids(asRep(() => store.insert('Recommendation_Reaction__c', [{ Account__c: mine, Product__c: product, Reaction__c: 'Accepted' }])));
      deploySource(store, src);
      expect(errorOf(asRep(() => store.insert('Recommendation_Reaction__c', [{ Account__c: mine, Product__c: product, Reaction__c: 'Accepted' }]))).errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');
    });
  });

  describe('org files from before the sales rep', () => {
    it('gain the Standard User profile and the rep on open, once', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-access-'));
      try {
        const file = path.join(dir, 'org.db');
        const old = openOrgStore({ file });
        const { salesRepUserId: _rep, standardUserProfileId: _profile, ...identity } = old.identity;
        old.db.prepare('DELETE FROM "User" WHERE "Id" = ?').run(old.identity.salesRepUserId);
        old.db.prepare('DELETE FROM "Profile" WHERE "Id" = ?').run(old.identity.standardUserProfileId);
        old.db.prepare("UPDATE _reco_meta SET value = ? WHERE key = 'identity'").run(JSON.stringify(identity));
        old.close();
        store = openOrgStore({ file });
        const upgraded = store.identity;
        expect(upgraded).to.deep.include(identity);
        const row = store.db.prepare('SELECT u.Username AS username, p.Name AS profile FROM "User" u JOIN "Profile" p ON p.Id = u.ProfileId WHERE u.Id = ?').get(upgraded.salesRepUserId);
        expect(row).to.deep.equal({ username: 'sales.rep@reco.local', profile: 'Standard User' });
        store.close();
        store = openOrgStore({ file });
        expect(store.identity).to.deep.equal(upgraded);
        expect((store.db.prepare('SELECT COUNT(*) AS n FROM "User"').get() as { n: number }).n).to.equal(3);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
