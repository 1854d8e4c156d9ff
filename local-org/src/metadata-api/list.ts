// listMetadata: what the org holds of a type, as FileProperties, so clients (and tests) can see exactly
// which components a deploy left behind.
import { readComponents } from '../store/deployed-metadata.js';
import type { LocalOrgStore } from '../store/org-store.js';

export type FileProperties = { fullName: string; fileName: string; type: string; id: string; manageableState: 'unmanaged'; createdDate: string; lastModifiedDate: string };

export function listMetadata(store: LocalOrgStore, type: string): FileProperties[] {
  const now = store.now().toISOString();
  const entry = (fullName: string, fileName: string, id = ''): FileProperties => ({ fullName, fileName, type, id, manageableState: 'unmanaged', createdDate: now, lastModifiedDate: now });
  switch (type) {
    case 'CustomObject':
      return readComponents(store.db, 'CustomObject').map((o) => entry(o.fullName, `objects/${o.fullName}.object`));
    case 'CustomField':
      return readComponents(store.db, 'CustomField').map((f) => entry(f.fullName, `objects/${f.fullName.split('.')[0]}.object`));
    case 'LightningComponentBundle':
      return readComponents(store.db, 'LightningComponentBundle').map((b) => entry(b.fullName, `lwc/${b.fullName}`));
    case 'PermissionSet':
      return (store.db.prepare('SELECT Id, Name FROM PermissionSet WHERE IsDeleted = 0 ORDER BY Name').all() as { Id: string; Name: string }[]).map((r) =>
        entry(r.Name, `permissionsets/${r.Name}.permissionset`, r.Id),
      );
    default:
      return [];
  }
}
