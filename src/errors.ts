/**
 * The one closed set of error codes this service can return. Every failure the core raises is an
 * `AppError` with one of these codes; `src/http/errors.ts` maps codes to HTTP status in one place.
 * Never choose a status by matching message text.
 */
export const ERROR_CODES = {
  INVALID_JSON: 'The request body is not valid JSON.',
  VALIDATION_FAILED: 'The request did not match the expected schema.',
  UNSUPPORTED_MEDIA_TYPE: 'The request body must be sent as application/json.',
  PAYLOAD_TOO_LARGE: 'The request body is larger than the configured limit.',
  NOT_FOUND: 'No such resource.',
  IMAGE_UNREADABLE: 'The image could not be read or decoded.',
  IMAGE_HOST_NOT_ALLOWED: 'Image URLs are only fetched from hosts on the configured allowlist.',
  UNAUTHENTICATED: 'An API key is required.',
  FORBIDDEN: 'This API key lacks the scope this route needs.',
  TOKEN_INVALID: 'The redirect token is malformed or its signature does not verify.',
  TOKEN_EXPIRED: 'The redirect token has expired.',
  RATE_LIMITED: 'Too many requests for this API key; retry later.',
  TOKEN_RETIRED: 'This link was signed with a key that has since been retired; ask for a fresh link.',
  METHOD_NOT_ALLOWED: 'This path does not accept that method; the Allow header lists the ones it does.',
  BATCH_REJECTED: 'None of the items in the batch was accepted; each item says why.',
  MODEL_UNAVAILABLE: 'The embedding model could not be loaded.',
  INDEX_UNAVAILABLE: 'The vector index could not be loaded or rebuilt.',
  STORE_UNAVAILABLE: 'The data store could not be opened.',
  CONFIG_INVALID: 'The configuration (environment variables) is invalid.',
  DATA_DIR_IN_USE: 'The data folder is held by another running process (the server or an ingest).',
  CLIENT_CLOSED_REQUEST: 'The client closed the connection before the answer was ready; the work for it was stopped.',
  INTERNAL: 'Something went wrong on our side.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  /** Field path, e.g. "items.3.price" or "query.limit". */
  path: string;
  message: string;
}

/** The only error type the core throws on purpose. */
export class AppError extends Error {
  /** Fields the error response carries beside `error` (a rejected batch's per-item results). */
  readonly extra?: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    readonly details?: ErrorDetail[],
    options?: { cause?: unknown; extra?: Record<string, unknown> },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.extra = options?.extra;
  }
}
