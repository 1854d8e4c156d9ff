// A replica that takes the run lease and then just lives on, so a test can kill it with SIGKILL.
import { postgresRunLease } from '../../sync-server/src/mirror/run-lease.js';

const lease = postgresRunLease(process.argv[2], { name: 'replica-killed' });
if (await lease.acquire()) {
  process.stdout.write('held\n');
  setInterval(() => undefined, 60_000);
} else {
  process.stdout.write('not held\n');
  process.exit(3);
}
