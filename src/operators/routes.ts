import type { DomainRoutes } from '../ledger/context.ts';
import { apiKeyGuard } from '../platform/auth.ts';
import { assert } from '../platform/assert.ts';
import { requireRole, type OperatorRole } from '../platform/operator.ts';
import { valueOrThrow } from '../platform/outcome.ts';
import { auditPage, type AuditPageQuery } from './audit.ts';
import { auditSchema, createOperatorSchema, listOperatorsSchema, meSchema, revokeOperatorSchema } from './schemas.ts';
import { BOOTSTRAP_OPERATOR } from './resolver.ts';
import { OperatorService, type MeJson } from './service.ts';

/** HTTP surface of operators and the audit log (SPEC §4 "Operators and audit"). */
export const operatorRoutes: DomainRoutes = async (app, ctx) => {
  const operators = new OperatorService(ctx.sql, ctx.operator_auth);
  app.addHook('onRequest', apiKeyGuard(ctx.operator_auth));

  // Any key may ask whom it belongs to (the back office shows who is signed in and what they may do).
  app.get('/v1/operators/me', { schema: meSchema }, async (request): Promise<MeJson> => {
    const me = request.operator;
    assert(me !== undefined, 'the guard ran');
    return { operatorId: me.id, name: me.name, role: me.role, bootstrap: me.id === BOOTSTRAP_OPERATOR.id };
  });

  await app.register(async (admin) => {
    // Managing keys and reading who did what are an admin's: the audit names every operator's actions.
    admin.addHook('onRequest', requireRole('admin'));

    admin.post<{ Body: { name: string; role: OperatorRole } }>(
      '/v1/operators',
      { schema: createOperatorSchema },
      async (request, reply) => {
        const by = request.operator;
        assert(by !== undefined, 'the guard ran');
        const created = valueOrThrow(await operators.create(request.body, by));
        return reply.code(201).send(created);
      },
    );

    admin.get('/v1/operators', { schema: listOperatorsSchema }, async () => operators.list());

    admin.delete<{ Params: { operatorId: string } }>(
      '/v1/operators/:operatorId',
      { schema: revokeOperatorSchema },
      async (request) => valueOrThrow(await operators.revoke(request.params.operatorId)),
    );

    admin.get<{ Querystring: AuditPageQuery }>('/v1/audit', { schema: auditSchema }, async (request) =>
      valueOrThrow(await auditPage(ctx.sql, request.query)),
    );
  });
};
