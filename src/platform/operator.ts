import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { assert } from './assert.ts';
import { AppError } from './errors.ts';
import { OPERATOR_REASON_LENGTH_MAX } from './limits.ts';
import { PLATFORM_ERRORS } from './platform-errors.ts';

/** SPEC §4: a viewer reads; an operator also moves money; an admin also manages operators. */
export type OperatorRole = 'viewer' | 'operator' | 'admin';
export const OPERATOR_ROLES: readonly OperatorRole[] = ['viewer', 'operator', 'admin'];

/** Who presented the API key of a request: the bootstrap admin (ADMIN_API_KEY) or a stored operator. */
export interface Operator {
  id: string;
  name: string;
  role: OperatorRole;
}

/**
 * Turns a presented API key into its operator, or undefined for a wrong or revoked key. The platform
 * only names this shape; the operators module implements it and the composition root (`src/app`)
 * wires it into the context, so domains authenticate without importing the operators module.
 */
export interface OperatorResolver {
  resolve(api_key: string): Promise<Operator | undefined>;
  /** Drops every cached resolution (after a revocation, so this process refuses the key at once). */
  forget(): void;
}

/**
 * What `apiKeyGuard` needs: the resolver. Failed sign-ins are limited per client address by the HTTP
 * layer's one auth-failure limiter (a wrong key throws AuthenticationError), never by slowing a right key.
 */
export type OperatorAuth = OperatorResolver;

export function createOperatorAuth(resolver: OperatorResolver): OperatorAuth {
  return { resolve: (key) => resolver.resolve(key), forget: () => resolver.forget() };
}

/** Methods that change something: a viewer may send none of them, and each is audited. */
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What a request did, for the audit log: the reason given and the transfer it made. */
export interface OperatorAction {
  reason?: string;
  transaction_id?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by apiKeyGuard once the key resolved; undefined on routes without it. */
    operator?: Operator;
    operator_action?: OperatorAction;
  }
}

/** A hook that lets only these roles through (403 FORBIDDEN otherwise); registered after apiKeyGuard. */
export function requireRole(...roles: OperatorRole[]): onRequestAsyncHookHandler {
  return async (request) => {
    const operator = request.operator;
    assert(operator !== undefined, 'requireRole runs after apiKeyGuard');
    if (!roles.includes(operator.role)) {
      throw new AppError(
        PLATFORM_ERRORS.FORBIDDEN,
        `Role ${operator.role} may not ${request.method} this endpoint; it needs ${roles.join(' or ')}.`,
      );
    }
  };
}

/** The fields every manual money movement's transfer carries in its metadata (SPEC §4). */
export interface ManualMovementStamp {
  operator_id: string;
  operator_name: string;
  reason: string | null;
}

/**
 * For any manual money movement (wallet moves and transfers, bonus grants and forfeits; payout
 * settlements later): notes the reason for the audit entry and returns what the transfer records.
 */
export function manualMovement(request: FastifyRequest, reason: string | undefined): ManualMovementStamp {
  const operator = request.operator;
  assert(operator !== undefined, 'a manual movement is made on a route behind apiKeyGuard');
  request.operator_action = { ...request.operator_action, reason };
  return { operator_id: operator.id, operator_name: operator.name, reason: reason ?? null };
}

/** Names the transfer a request made, for its audit entry. */
export function noteTransaction(request: FastifyRequest, transaction_id: string): void {
  request.operator_action = { ...request.operator_action, transaction_id };
}

/** The optional `reason` property of a manual movement's body. */
export const reasonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: OPERATOR_REASON_LENGTH_MAX,
  description: `Why the operator makes this movement (1..${OPERATOR_REASON_LENGTH_MAX} characters); recorded with the transfer and in the audit log.`,
} as const;
