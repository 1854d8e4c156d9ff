export type ThrowawayPostgres = { url: string; port: number; version: string; dir: string; stop(): void };
export function findPostgresBin(): string | null;
export function startThrowawayPostgres(): Promise<ThrowawayPostgres>;
