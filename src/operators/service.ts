import type { Sql } from '../db/sql.ts';
import type { Operator, OperatorResolver, OperatorRole } from '../platform/operator.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { uuidv7 } from '../platform/uuid.ts';
import { OPERATOR_ERRORS } from './errors.ts';
import { OPERATORS_ACTIVE_MAX, OPERATORS_LISTED_MAX } from './limits.ts';
import { generateApiKey } from './resolver.ts';
import { countActiveOperators, insertOperator, listOperators, revokeOperator, type OperatorRow } from './store.ts';

/** An operator as the API shows it: never its key. */
export interface OperatorJson {
  operatorId: string;
  name: string;
  role: OperatorRole;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

/** The answer of POST /v1/operators: the operator and, this once, its key. */
export type CreatedOperatorJson = OperatorJson & { apiKey: string };

/** Who a key is (GET /v1/operators/me): a named operator, or the bootstrap admin. */
export interface MeJson {
  operatorId: string;
  name: string;
  role: OperatorRole;
  bootstrap: boolean;
}

/** Named operators (SPEC §4). No HTTP here; routes.ts checks the caller is an admin. */
export class OperatorService {
  constructor(
    private readonly sql: Sql,
    private readonly resolver: OperatorResolver,
  ) {}

  /** The key is in this answer only; the database keeps its hash. */
  async create(request: { name: string; role: OperatorRole }, by: Operator): Promise<Outcome<CreatedOperatorJson>> {
    // Checked before the insert, so two concurrent creations may pass it together: the bound is
    // approximate by the number of admins creating at the same instant, which is what it is for.
    if ((await countActiveOperators(this.sql)) >= OPERATORS_ACTIVE_MAX)
      return refuse(OPERATOR_ERRORS.OPERATOR_LIMIT_REACHED);
    const { api_key, key_hash } = generateApiKey();
    const row = await insertOperator(this.sql, {
      id: uuidv7(),
      name: request.name,
      role: request.role,
      key_hash,
      created_by: by.id,
    });
    if (!row)
      return refuse(OPERATOR_ERRORS.OPERATOR_NAME_TAKEN, `An active operator is already named ${request.name}.`);
    return succeed({ ...operatorJson(row), apiKey: api_key });
  }

  async list(): Promise<{ operators: OperatorJson[] }> {
    // OPERATORS_ACTIVE_MAX bounds the active ones; revoked ones accumulate, so the answer is capped too.
    const rows = await listOperators(this.sql, OPERATORS_LISTED_MAX);
    return { operators: rows.map(operatorJson) };
  }

  /** Revokes the key; this process forgets every cached key at once, other processes within OPERATOR_KEY_CACHE_TTL_MS. */
  async revoke(operator_id: string): Promise<Outcome<OperatorJson>> {
    const row = await revokeOperator(this.sql, operator_id);
    if (!row) return refuse(OPERATOR_ERRORS.OPERATOR_NOT_FOUND, `No operator has the id ${operator_id}.`);
    this.resolver.forget();
    return succeed(operatorJson(row));
  }
}

function operatorJson(row: OperatorRow): OperatorJson {
  return {
    operatorId: row.id,
    name: row.name,
    role: row.role,
    created_at: row.created_at.toISOString(),
    created_by: row.created_by,
    revoked_at: row.revoked_at?.toISOString() ?? null,
  };
}
