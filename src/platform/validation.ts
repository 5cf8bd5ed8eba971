import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Two validators: bodies are never coerced ("100" is not an amount, SPEC §0), while query strings
 * and path parameters, which are text on the wire, are coerced to their declared types.
 */
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

// ajv-formats is CommonJS: its function is the default export's default.
function addFormats(ajv: Ajv): void {
  const plugin = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (plugin as unknown as (a: Ajv) => void)(ajv);
}

const bodyAjv = makeAjv(false);
const textAjv = makeAjv(true);

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** "actions[0].amount must be an integer" — the message names the field. */
export function describeValidation(issues: AjvIssue[], part: string | undefined): string {
  const issue = issues[0];
  if (!issue) return 'The request is not valid.';
  let field = (issue.instancePath ?? '')
    .replace(/^\//, '')
    .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
    .replace(/\//g, '.');
  if (issue.keyword === 'required' && issue.params?.missingProperty) {
    const missing = String(issue.params.missingProperty);
    return `${field ? `${field}.` : ''}${missing} is required`;
  }
  if (issue.keyword === 'additionalProperties' && issue.params?.additionalProperty) {
    return `${field ? `${field}.` : ''}${String(issue.params.additionalProperty)} is not an allowed field`;
  }
  if (!field) field = part === 'querystring' ? 'query' : (part ?? 'body');
  return `${field} ${issue.message ?? 'is not valid'}`;
}
