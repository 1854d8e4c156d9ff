// The Service Cloud objects Reco reads customer text from — Case, CaseComment and EmailMessage — with the
// field names, types, lengths and flags a Developer Edition org describes. Kept apart from
// standard-objects.ts so that list stays the sales objects; the registry adds both.
import type { FieldDef, ObjectDef } from '../types.js';
import { field, ownerField, picklist, reference } from './fields.js';
import { defineObject } from './standard-objects.js';

export const SERVICE_KEY_PREFIXES: Readonly<Record<string, string>> = {
  Case: '500',
  CaseComment: '00a',
  EmailMessage: '02s',
};

/** Case statuses whose IsClosed is true (default CaseStatus rows of a new org). */
export const CLOSED_CASE_STATUSES: ReadonlySet<string> = new Set(['Closed']);

const str = (name: string, length: number, opts: Parameters<typeof field>[2] = {}): FieldDef => field(name, 'string', { length, ...opts });
const textarea = (name: string, length: number, opts: Parameters<typeof field>[2] = {}): FieldDef => field(name, 'textarea', { length, ...opts });

function caseObject(): ObjectDef {
  return defineObject('Case', SERVICE_KEY_PREFIXES.Case, [
    str('CaseNumber', 30, { readOnly: true, autoNumber: true, nameField: true, label: 'Case Number', autoNumberFormat: '{00000000}' }),
    reference('ContactId', ['Contact'], { label: 'Contact ID', childRelationshipName: 'Cases' }),
    reference('AccountId', ['Account'], { label: 'Account ID', childRelationshipName: 'Cases' }),
    reference('ParentId', ['Case'], { label: 'Parent Case ID', relationshipName: 'Parent', childRelationshipName: 'Cases' }),
    str('SuppliedName', 80, { label: 'Web Name' }),
    field('SuppliedEmail', 'email', { length: 80, label: 'Web Email' }),
    str('SuppliedPhone', 40, { label: 'Web Phone' }),
    str('SuppliedCompany', 80, { label: 'Web Company' }),
    field('Type', 'picklist', { label: 'Case Type', picklistValues: picklist(['Mechanical', 'Electrical', 'Electronic', 'Structural', 'Other']) }),
    field('Status', 'picklist', { defaultedOnCreate: true, defaultValue: 'New', picklistValues: picklist(['New', 'Working', 'Escalated', 'Closed'], 'New') }),
    // Not restricted in a real org: admins add their own reasons, and the API accepts values outside the list.
    field('Reason', 'picklist', { label: 'Case Reason', picklistValues: picklist(['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design', 'Feedback', 'Other']) }),
    field('Origin', 'picklist', { label: 'Case Origin', picklistValues: picklist(['Phone', 'Email', 'Web']) }),
    str('Subject', 255),
    field('Priority', 'picklist', { defaultedOnCreate: true, defaultValue: 'Medium', picklistValues: picklist(['High', 'Medium', 'Low'], 'Medium') }),
    textarea('Description', 32000),
    field('IsClosed', 'boolean', { readOnly: true, label: 'Closed' }),
    field('ClosedDate', 'datetime', { readOnly: true, label: 'Closed Date' }),
    field('IsEscalated', 'boolean', { label: 'Escalated' }),
    ownerField(['Group', 'User']),
    textarea('Comments', 4000, { label: 'Internal Comments' }),
  ]);
}

function caseComment(): ObjectDef {
  return defineObject('CaseComment', SERVICE_KEY_PREFIXES.CaseComment, [
    reference('ParentId', ['Case'], { required: true, createOnly: true, label: 'Parent Case ID', childRelationshipName: 'CaseComments', cascadeDelete: true }),
    field('IsPublished', 'boolean', { label: 'Published' }),
    textarea('CommentBody', 4000, { label: 'Body' }),
  ], { label: 'Case Comment' });
}

function emailMessage(): ObjectDef {
  return defineObject('EmailMessage', SERVICE_KEY_PREFIXES.EmailMessage, [
    reference('ParentId', ['Case'], { label: 'Case ID', childRelationshipName: 'EmailMessages', cascadeDelete: true }),
    reference('RelatedToId', ['Account', 'Opportunity', 'Case', 'Contact'], { label: 'Related To ID', relationshipName: 'RelatedTo', childRelationshipName: 'Emails' }),
    textarea('TextBody', 131072, { label: 'Text Body' }),
    textarea('HtmlBody', 131072, { label: 'HTML Body' }),
    textarea('Headers', 32000),
    str('Subject', 3000),
    str('FromName', 1000, { label: 'From Name' }),
    field('FromAddress', 'email', { length: 1000, label: 'From Address' }),
    str('ToAddress', 4000, { label: 'To Address' }),
    str('CcAddress', 4000, { label: 'CC Address' }),
    str('BccAddress', 4000, { label: 'BCC Address' }),
    field('Incoming', 'boolean', { createOnly: true, label: 'Is Incoming' }),
    field('HasAttachment', 'boolean', { readOnly: true, label: 'Has Attachment' }),
    // 0 New, 1 Read, 2 Replied, 3 Sent, 4 Forwarded, 5 Draft: the API takes the codes.
    field('Status', 'picklist', { required: true, restrictedPicklist: true, picklistValues: picklist(['0', '1', '2', '3', '4', '5']) }),
    field('MessageDate', 'datetime', { label: 'Message Date' }),
    field('IsExternallyVisible', 'boolean', { label: 'Is Externally Visible' }),
    str('MessageIdentifier', 255, { label: 'Message ID' }),
    str('ThreadIdentifier', 255, { label: 'Thread ID' }),
  ], { label: 'Email Message' });
}

export function serviceObjects(): ObjectDef[] {
  return [caseObject(), caseComment(), emailMessage()];
}
