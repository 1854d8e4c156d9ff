// One error type for everything the API reports on purpose: a stable machine code, a message safe to show
// (never a secret), and the HTTP status. Anything else reaching the error handler is a bug and becomes a 500.
export class AppError extends Error {
  public constructor(
    public readonly code: string,
    message: string,
    public readonly status: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string): AppError => new AppError('invalid_request', message, 400);
export const notFound = (message: string): AppError => new AppError('not_found', message, 404);
