// A small hand-written Online Retail file for the seeder tests. Line numbers matter: the tests assert them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FIXTURE_HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

// Line 1 is the header; the comment after each row is its CSV line number.
export const FIXTURE_ROWS = [
  '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER ,6,2011-11-01 08:26:00,2.55,17850,United Kingdom', // 2
  '536365,22086,PAPER CHAIN KIT 50\'S CHRISTMAS ,12,2011-11-01 08:26:00,2.95,17850,United Kingdom', // 3
  '536365,POST,POSTAGE,1,2011-11-01 08:26:00,18.00,17850,United Kingdom', // 4
  '536366,85123A,WHITE HANGING HEART T-LIGHT HOLDER,400,2011-11-03 10:00:00,2.55,12583,France', // 5
  '536366,22386,JUMBO BAG PINK POLKADOT,10,2011-11-03 10:00:00,1.95,12583,France', // 6
  '536367,22386,JUMBO BAG PINK POLKADOT,-5,2011-11-04 11:00:00,1.95,12583,France', // 7  non-positive quantity
  '536368,22423,REGENCY CAKESTAND 3 TIER,2,2011-11-05 12:00:00,12.75,,United Kingdom', // 8  no customer
  'C536369,22386,JUMBO BAG PINK POLKADOT,-4,2011-11-07 09:00:00,1.95,12583,France', // 9  cancellation
  'A563185,B,Adjust bad debt,1,2011-11-08 14:50:00,11062.06,,United Kingdom', // 10 adjustment
  '536370,22423,REGENCY CAKESTAND 3 TIER,3,2011-11-10 09:30:00,0,17850,United Kingdom', // 11 zero price
  '536370,22423,REGENCY CAKESTAND 3 TIER,4,2011-11-10 09:30:00,12.75,17850,United Kingdom', // 12
  '536371,21977,,1,2011-11-15 10:00:00,0.55,12583,France', // 13 empty description
  '536372,22386,JUMBO BAG PINK POLKADOT,20,2011-12-02 10:00:00,1.65,12583,France', // 14
  '536373,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2011-12-05 10:00:00,2.95,17850,United Kingdom', // 15
  '536374,22423,REGENCY CAKESTAND 3 TIER,1,2011-12-07 15:00:00,12.75,14000,Germany', // 16 new customer after Dec 6
  '536375,22386,JUMBO BAG PINK POLKADOT,10,2011-12-09 12:50:00,1.95,17850,United Kingdom', // 17 last invoice (a Friday)
];

export type TempDir = { dir: string; write(name: string, text: string): string; cleanup(): void };

export function tempDir(prefix: string): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export function fixtureCsv(rows: string[] = FIXTURE_ROWS): string {
  return `${[FIXTURE_HEADER, ...rows].join('\n')}\n`;
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject');
}
