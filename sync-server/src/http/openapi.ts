// The API's OpenAPI 3.1 description, written as data next to the routes it documents.
import { MAX_RECOMMENDATIONS, MAX_RUNS } from './validation.js';

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: errorText[c], ...json(ref('Error')) }]));
const errorText: Record<number, string> = {
  400: 'Invalid input; the message names the parameter', 401: 'Missing or wrong bearer token', 404: 'Not found',
  409: 'A run is already in progress', 415: 'The body is not JSON', 503: 'Not ready, or shutting down',
};
const accountId = {
  name: 'id', in: 'path', required: true, description: 'Account id, 15 or 18 characters (18 with a valid checksum), prefix 001',
  schema: { type: 'string', pattern: '^001[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$' },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Reco sync-server API', version: '0.1.0', description: 'Runs of the Reco pipeline and the model results it stores, for admins and real-time callers.' },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  paths: {
    '/health': { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'Process is up', ...json({ type: 'object', properties: { status: { const: 'ok' } } }) } } } },
    '/ready': { get: { summary: 'Readiness: org reachable and store open', security: [], responses: { 200: { description: 'Ready', ...json(ref('Readiness')) }, 503: { description: 'Not ready', ...json(ref('Readiness')) } } } },
    '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'Text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } }, ...errors(401) } } },
    '/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1', ...json({ type: 'object' }) } } } },
    '/runs': {
      get: {
        summary: 'Run history, newest first, and the active run',
        parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_RUNS, default: 20 } }],
        responses: { 200: { description: 'Runs', ...json({ type: 'object', properties: { active: { oneOf: [ref('ActiveRun'), { type: 'null' }] }, runs: { type: 'array', items: ref('Run') } } }) }, ...errors(400, 401) },
      },
      post: {
        summary: 'Start a run now',
        requestBody: { required: false, ...json({ type: 'object', additionalProperties: false, properties: { kind: { enum: ['Full', 'Incremental'], default: 'Incremental' } } }) },
        responses: { 202: { description: 'Started', ...json({ type: 'object', properties: { run: ref('ActiveRun') } }) }, ...errors(400, 401, 409, 415, 503) },
      },
    },
    '/runs/{id}': {
      get: {
        summary: 'One run: status, progress per stage, counts, data-quality report',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,80}$' } }],
        responses: { 200: { description: 'The run', ...json({ type: 'object', properties: { run: ref('Run') } }) }, ...errors(400, 401, 404) },
      },
    },
    '/overview': { get: { summary: "The dashboard's verdict: is Reco working, readiness checks, records to fix (with ids), Reco against the best baseline", responses: { 200: { description: 'Overview', ...json({ type: 'object', properties: { verdict: { enum: ['working', 'attention', 'broken', 'not-started'] }, headline: { type: 'string' }, checks: { type: 'array' }, fixes: { type: 'array' }, currency: { type: ['string', 'null'] } } }) }, ...errors(401) } } },
    '/accounts': {
      get: {
        summary: 'Find accounts by part of their name (or by Id), with whether Reco has recommendations for them',
        parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 2, maxLength: 80 } }, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 } }],
        responses: { 200: { description: 'Matching accounts', ...json({ type: 'object', properties: { query: { type: 'string' }, accounts: { type: 'array', items: { type: 'object', properties: { accountId: { type: 'string' }, name: { type: 'string' }, hasRecommendations: { type: 'boolean' } } } } } }) }, ...errors(400, 401) },
      },
    },
    '/accounts/{id}/recommendations': {
      get: {
        summary: 'Current recommendations for an account, best first (served from memory)',
        parameters: [accountId,
          { name: 'kind', in: 'query', description: "cross-sell or buy-again (as the CLI's --kind; any case, and 'Buy again' with a space, are accepted)", schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_RECOMMENDATIONS, default: 10 } }],
        responses: { 200: { description: 'Recommendations (empty when the account has none)', ...json({ type: 'object', properties: { accountId: { type: 'string' }, kind: { type: ['string', 'null'] }, recommendations: { type: 'array', items: ref('Recommendation') } } }) }, ...errors(400, 401) },
      },
    },
    '/accounts/{id}/insight': {
      get: {
        summary: 'Segment, lifecycle, RFM and churn risk of an account',
        parameters: [accountId],
        responses: { 200: { description: 'Insight', ...json({ type: 'object', properties: { insight: ref('Insight') } }) }, ...errors(400, 401, 404) },
      },
    },
    '/segments': { get: { summary: 'Segments with sizes and profiles', responses: { 200: { description: 'Segments', ...json({ type: 'object', properties: { segments: { type: 'array', items: ref('Segment') } } }) }, ...errors(401) } } },
    '/segments/projection': { get: { summary: 'Accounts projected on two principal components of their features, with segment', responses: { 200: { description: 'Projection', ...json({ type: 'object' }) }, ...errors(401) } } },
    '/impact': {
      get: {
        summary: 'Measured impact: conversion of shown lists against the holdout, with the lift and its 95% interval',
        parameters: [
          { name: 'since', in: 'query', schema: { type: 'string', format: 'date' }, description: 'Only recommendations first made on or after this day' },
          { name: 'window', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 3650 }, description: 'Attribution window in days (default: the configured one)' },
          { name: 'by', in: 'query', schema: { enum: ['week', 'month'] }, description: 'Period of the breakdown (default week)' },
        ],
        responses: { 200: { description: 'The report, or null when this server keeps no measurement', ...json({ type: 'object', properties: { impact: { oneOf: [{ type: 'object' }, { type: 'null' }] } } }) }, ...errors(400, 401) },
      },
    },
    '/evaluation': { get: { summary: 'Offline evaluation of the models against baselines', responses: { 200: { description: 'Metrics per task and model', ...json({ type: 'object', properties: { evaluation: { oneOf: [{ type: 'object' }, { type: 'null' }] } } }) }, ...errors(401) } } },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } } },
      Readiness: { type: 'object', properties: { status: { enum: ['ready', 'not_ready'] }, checks: { type: 'object', additionalProperties: { type: 'object', properties: { ok: { type: 'boolean' }, message: { type: 'string' } } } } } },
      Stage: { type: 'object', properties: { stage: { type: 'string' }, status: { type: 'string' }, startedAt: { type: ['string', 'null'] }, finishedAt: { type: ['string', 'null'] }, records: { type: ['integer', 'null'] } } },
      ActiveRun: { type: 'object', properties: { id: { type: ['string', 'null'] }, kind: { enum: ['Full', 'Incremental'] }, source: { enum: ['manual', 'schedule', 'resume'] }, status: { type: 'string' }, startedAt: { type: 'string', format: 'date-time' }, stages: { type: 'array', items: ref('Stage') } } },
      Run: { type: 'object', properties: { id: { type: 'string' }, kind: { enum: ['Full', 'Incremental'] }, status: { type: 'string' }, startedAt: { type: 'string', format: 'date-time' }, finishedAt: { type: ['string', 'null'] }, durationMs: { type: ['number', 'null'] }, stages: { type: 'array', items: ref('Stage') }, counts: { type: 'object', additionalProperties: { type: 'number' } }, dataQuality: {}, error: { type: ['string', 'null'] } } },
      Recommendation: { type: 'object', properties: { accountId: { type: 'string' }, productId: { type: 'string' }, productName: { type: ['string', 'null'] }, kind: { enum: ['Cross-sell', 'Buy again'] }, rank: { type: 'integer' }, score: { type: 'number' }, confidence: { enum: ['High', 'Medium', 'Low'] }, reason: { type: 'string', maxLength: 255 }, evidence: { type: 'object' }, expectedRevenue: { type: ['number', 'null'] }, opportunityId: { type: ['string', 'null'] } } },
      Insight: { type: 'object', properties: { accountId: { type: 'string' }, segmentKey: { type: ['string', 'null'] }, lifecycleStage: { type: 'string' }, recencyDays: { type: ['number', 'null'] }, frequency: { type: 'number' }, monetary: { type: 'number' }, engagementScore: { type: 'number' }, churnRisk: { type: ['number', 'null'] } } },
      Segment: { type: 'object', properties: { key: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' }, accountCount: { type: 'integer' }, profile: { type: 'object', additionalProperties: { type: 'number' } } } },
    },
  },
} as const;
