/**
 * Small helpers the admin API routes share: zod parsing of bodies and queries into field-level validation errors,
 * and the JSON shapes of the answers. Routes stay a table of contents: session → parse → lib/admin → answer.
 */
import type { z } from 'zod';
import { ADMIN_BODY_LIMITS, bodyFailureResponse, bodyText, readRequestBody } from '@/lib/http/read-body';
import { jsonFailure } from '@/lib/http/respond';
import type { EdgeFailure } from '@/lib/errors';

/** `{ "orders.importStatusIds": "Choose at least one status" }`: dotted path → message. */
export type FieldErrors = Record<string, string>;

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '_';
    fields[path] ??= issue.message;
  }
  return fields;
}

/** 400 with the field messages the form shows next to each control. */
export function validationResponse(fields: FieldErrors, message = 'Some fields need attention.'): Response {
  return Response.json({ error: { kind: 'Validation', message, fields } }, { status: 400 });
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

/** The JSON body, read within ADMIN_BODY_LIMITS (a larger or slower body is a 413 or 408 and is not read further). */
export async function parseBody<S extends z.ZodType>(request: Request, schema: S): Promise<Parsed<z.infer<S>>> {
  const body = await readRequestBody(request, ADMIN_BODY_LIMITS);
  if (!body.ok) return { ok: false, response: bodyFailureResponse(body.error) };
  let raw: unknown;
  try {
    raw = JSON.parse(bodyText(body.bytes));
  } catch {
    return { ok: false, response: jsonFailure({ kind: 'BadRequest', message: 'The request body must be JSON.' }) };
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, response: validationResponse(fieldErrorsOf(parsed.error)) };
}

export function parseQuery<S extends z.ZodType>(request: Request, schema: S): Parsed<z.infer<S>> {
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string> = {};
  for (const [key, value] of params) if (value !== '') raw[key] = value;
  const parsed = schema.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, response: validationResponse(fieldErrorsOf(parsed.error)) };
}

export function failure(failure: EdgeFailure): Response {
  return jsonFailure(failure);
}

/** Dynamic route params (`[orderId]`) as a positive integer, or null. */
export function positiveInt(value: string | undefined): number | null {
  if (!value || !/^\d{1,15}$/.test(value)) return null;
  const n = Number(value);
  return n > 0 ? n : null;
}
