// Issue 14 item 2 end to end over the API: a sales rep (Standard User + Reco_Sales_Rep, logged in through the
// JWT bearer flow) who can only read an Account cannot edit its recommendation, can react to it, and the
// next sync honours the reaction (status, and the business rule's dismissed block).
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SALES_REP_USERNAME, type LocalOrg } from '@reco/local-org';
import { startRecoOrg } from '../support/reco-org.js';
import type { Connection } from 'jsforce';
import { cleanMirror } from '../../sync-server/src/clean/clean.js';
import { createConnection } from '../../sync-server/src/connect/connect.js';
import type { ModelOutput } from '../../sync-server/src/domain/types.js';
import { openMirror, type Mirror } from '../../sync-server/src/mirror/db.js';
import { writeBack } from '../../sync-server/src/writeback/write-back.js';

describe('sync: a rep with read-only access to an Account reacts, and the sync honours it', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let reco: Connection;
  let rep: Connection;
  let dir: string;
  let mirror: Mirror;

  before(async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    org = await startRecoOrg({ port: 0, jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    org.access.setOrgWideDefault('Account', 'Read');
    const c = org.credentials;
    reco = await createConnection({ flow: 'refresh-token', loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret, refreshToken: c.refreshToken });
    rep = await createConnection({ flow: 'jwt', loginUrl: c.loginUrl, clientId: c.clientId, username: SALES_REP_USERNAME, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    dir = mkdtempSync(join(tmpdir(), 'reco-share-'));
    mirror = openMirror(dir);
  });
  after(async () => {
    mirror.close();
    await org.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the edit with Salesforce error, accepts the reaction, and the next write-back and clean follow it', async () => {
    const [account] = (await reco.sobject('Account').create([{ Name: 'Read-only for reps' }] as never[])) as Array<{ id: string }>;
    const [product] = (await reco.sobject('Product2').create([{ Name: 'Widget', ProductCode: 'W1', IsActive: true }] as never[])) as Array<{ id: string }>;
    const output: ModelOutput = {
      asOf: '2026-01-01T00:00:00.000Z',
      segments: [],
      insights: [],
      recommendations: [{ accountId: account.id, productId: product.id, kind: 'Cross-sell', rank: 1, score: 0.9, confidence: 'High', reason: 'bought together', evidence: {}, expectedRevenue: 10, opportunityId: null }],
      metrics: {},
    };
    await writeBack(reco, mirror, output, { runId: 'r1' });
    const rec = (await rep.query<{ Id: string; Status__c: string }>('SELECT Id, Status__c FROM Product_Recommendation__c')).records[0];
    expect(rec.Status__c).to.equal('New');
    expect((await rep.identity()).username).to.equal(SALES_REP_USERNAME);

    // The old way: editing the master-detail child of an Account the rep can only read.
    const edit = await rep.sobject('Product_Recommendation__c').update({ Id: rec.Id, Status__c: 'Dismissed' } as never).then(() => null, (e: unknown) => e as { errorCode: string; message: string });
    expect(edit, 'the edit was refused').to.not.equal(null);
    expect(edit).to.include({ errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: 'insufficient access rights on object id' });
    // Through sObject Collections (what the LWC's old updateRecord batch and data loaders use): a per-record error.
    const batch = (await rep.sobject('Product_Recommendation__c').update([{ Id: rec.Id, Status__c: 'Accepted' }] as never[], { allOrNone: false })) as Array<{ success: boolean; errors: Array<{ statusCode?: string; errorCode?: string }> }>;
    expect(batch[0].success).to.equal(false);
    expect(batch[0].errors[0].statusCode ?? batch[0].errors[0].errorCode).to.equal('INSUFFICIENT_ACCESS_OR_READONLY');

    // The new way: a reaction the rep creates.
    const created = await rep.sobject('Recommendation_Reaction__c').create({
      Recommendation__c: rec.Id, Account__c: account.id, Product__c: product.id, Reaction__c: 'Dismissed', Dismiss_Reason__c: 'Already owns it', Comment__c: 'bought from a reseller',
    } as never);
    expect(created, JSON.stringify(created)).to.include({ success: true });

    // The next sync: the model would recommend it again, but the rep's decision stands and blocks it.
    await writeBack(reco, mirror, output, { runId: 'r2' });
    const after = (await reco.query<{ Status__c: string; Dismiss_Reason__c: string }>(`SELECT Status__c, Dismiss_Reason__c FROM Product_Recommendation__c WHERE Id = '${rec.Id}'`)).records[0];
    expect(after).to.include({ Status__c: 'Dismissed', Dismiss_Reason__c: 'Already owns it' });
    const { dataset } = (await cleanMirror(mirror.sql, { asOf: output.asOf }));
    expect(dataset.feedback.map((f) => [f.accountId, f.productId, f.status])).to.deep.equal([[account.id, product.id, 'Dismissed']]);
    // Reco never edits the reaction.
    const reaction = (await reco.query<{ LastModifiedById: string; OwnerId: string }>('SELECT OwnerId, LastModifiedById FROM Recommendation_Reaction__c')).records[0];
    expect(reaction).to.deep.include({ OwnerId: org.store.identity.salesRepUserId, LastModifiedById: org.store.identity.salesRepUserId });
  });
});
