import type { DomainRoutes } from '../ledger/context.ts';
import { apiKeyGuard } from '../platform/auth.ts';
import { assert } from '../platform/assert.ts';
import { requireRole, type OperatorRole } from '../platform/operator.ts';
import { valueOrThrow } from '../platform/outcome.ts';
import { auditPage, type AuditPageQuery } from './audit.ts';
import { auditSchema, createOperatorSchema, listOperatorsSchema, revokeOperatorSchema } from './schemas.ts';
import { OperatorService } from './service.ts';

/** HTTP surface of operators and the audit log (SPEC §4 "Operators and audit"): admins only. */
export const operatorRoutes: DomainRoutes = async (app, ctx) => {
  const operators = new OperatorService(ctx.sql, ctx.operator_auth);
  app.addHook('onRequest', apiKeyGuard(ctx.operator_auth));
  // Managing keys and reading who did what are an admin's: the audit names every operator's actions.
  app.addHook('onRequest', requireRole('admin'));

  app.post<{ Body: { name: string; role: OperatorRole } }>(
    '/v1/operators',
    { schema: createOperatorSchema },
    async (request, reply) => {
      const by = request.operator;
      assert(by !== undefined, 'the guard ran');
      const created = valueOrThrow(await operators.create(request.body, by));
      return reply.code(201).send(created);
    },
  );

  app.get('/v1/operators', { schema: listOperatorsSchema }, async () => operators.list());

  app.delete<{ Params: { operatorId: string } }>(
    '/v1/operators/:operatorId',
    { schema: revokeOperatorSchema },
    async (request) => valueOrThrow(await operators.revoke(request.params.operatorId)),
  );

  app.get<{ Querystring: AuditPageQuery }>('/v1/audit', { schema: auditSchema }, async (request) =>
    valueOrThrow(await auditPage(ctx.sql, request.query)),
  );
};
