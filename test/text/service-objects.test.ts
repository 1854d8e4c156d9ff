import { expect } from 'chai';
import { createSchema } from '../../local-org/src/schema/registry.js';
import { openOrgStore } from '../../local-org/src/store/org-store.js';

describe('local-org: Case, CaseComment and EmailMessage', () => {
  const schema = createSchema();
  const obj = (n: string) => schema.get(n)!;

  it('describes the real field names, types and flags', () => {
    const kase = obj('Case');
    expect(kase.keyPrefix).to.equal('500');
    const f = (o: string, n: string) => obj(o).fieldMap.get(n.toLowerCase())!;
    expect(f('Case', 'Description')).to.include({ type: 'textarea', length: 32000, filterable: false });
    expect(f('Case', 'IsClosed')).to.include({ type: 'boolean', createable: false, updateable: false });
    expect(f('Case', 'ClosedDate')).to.include({ type: 'datetime', createable: false });
    expect(f('Case', 'AccountId').referenceTo).to.deep.equal(['Account']);
    expect(f('Case', 'CaseNumber')).to.include({ autoNumber: true, nameField: true });
    expect(f('CaseComment', 'ParentId')).to.include({ createable: true, updateable: false, nillable: false });
    expect(f('CaseComment', 'CommentBody')).to.include({ type: 'textarea', length: 4000 });
    expect(f('EmailMessage', 'TextBody')).to.include({ type: 'textarea', length: 131072 });
    expect(f('EmailMessage', 'Incoming')).to.include({ type: 'boolean', updateable: false });
    expect(f('EmailMessage', 'Status')).to.include({ restrictedPicklist: true });
  });

  it('wires Account.Cases and Case.CaseComments / EmailMessages', () => {
    expect(obj('Account').childRelationships.map((r) => r.relationshipName)).to.include('Cases');
    expect(obj('Case').childRelationships.map((r) => r.relationshipName)).to.include.members(['CaseComments', 'EmailMessages']);
  });

  it('stores cases: IsClosed follows Status and ClosedDate is stamped on close, cleared on reopen', () => {
    let t = Date.parse('2024-03-01T09:00:00.000Z');
    const store = openOrgStore({ clock: () => new Date(t) });
    const account = store.insert('Account', [{ Name: 'Acme' }])[0].id!;
    const res = store.insert('Case', [{ AccountId: account, Subject: 'Card not arrived', Description: 'Still waiting', Reason: 'Card Delivery' }]);
    expect(res[0].success, JSON.stringify(res[0].errors)).to.equal(true);
    const id = res[0].id!;
    expect(id.startsWith('500')).to.equal(true);
    expect(store.retrieve('Case', id)).to.include({ Status: 'New', IsClosed: false, ClosedDate: null, Priority: 'Medium' });
    t += 3_600_000;
    expect(store.update('Case', [{ Id: id, Status: 'Closed' }])[0].success).to.equal(true);
    expect(store.retrieve('Case', id)).to.include({ IsClosed: true, ClosedDate: '2024-03-01T10:00:00.000Z' });
    expect(store.update('Case', [{ Id: id, Status: 'Working' }])[0].success).to.equal(true);
    expect(store.retrieve('Case', id)).to.include({ IsClosed: false, ClosedDate: null });
    expect(store.update('Case', [{ Id: id, IsClosed: true }])[0].success).to.equal(false);
    const comment = store.insert('CaseComment', [{ ParentId: id, CommentBody: 'Any update?' }]);
    expect(comment[0].success, JSON.stringify(comment[0].errors)).to.equal(true);
    const email = store.insert('EmailMessage', [{ ParentId: id, Subject: 'Re: card', TextBody: 'Hello', Incoming: true, Status: '0' }]);
    expect(email[0].success, JSON.stringify(email[0].errors)).to.equal(true);
    expect(store.insert('EmailMessage', [{ ParentId: id, Status: 'Sent' }])[0].success).to.equal(false);
  });
});
