/**
 * `POST /api/notifications/bounces`: where the mail provider's inbound forwarding posts each message that arrives at
 * MAIL_BOUNCE_ADDRESS (any `bounces+<tag>@…`). Providers forward inbound mail to a URL; this takes the raw message
 * in the shapes they send it:
 *   - the raw message as the body (`message/rfc822`, `text/plain` or `application/octet-stream`), e.g. an AWS SES
 *     receipt rule or a Cloudflare Email Worker that forwards `message.raw`;
 *   - `multipart/form-data` with the raw message in `email` (SendGrid Inbound Parse, "POST the raw, full MIME
 *     message") or `body-mime` (Mailgun routes forwarding to a `…/mime` URL), the envelope in `envelope` (SendGrid:
 *     JSON `{"to":[…],"from":…}`) or `recipient` (Mailgun).
 * The request must carry MAIL_BOUNCE_SECRET as a bearer token or as the password of basic auth
 * (`https://bounces:<secret>@app.example.com/api/notifications/bounces`, the form most providers' URL fields take).
 * Without MAIL_BOUNCE_SECRET (or MAIL_BOUNCE_ADDRESS) the route answers 404. Any message that is read answers 200 with
 * what was done (a provider retries anything else; bounces.ts): a delivery report, or a free-text notice of
 * non-delivery to a tagged address; anything else (an auto-reply), or a report about mail we did not send, changes
 * nothing.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { bodyFailureResponse, bodyText, readRequestBody, type BodyLimits } from '@/lib/http/read-body';
import { receiveBounce, type BounceDeps } from './bounces';

/** A DSN carries at most the original message; our emails are a few tens of KiB. */
export const BOUNCE_BODY_LIMITS: BodyLimits = { maxBytes: 5 * 1024 * 1024, timeoutMs: 30_000 };

const same = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

function presentedSecret(header: string | null): string | null {
  if (!header) return null;
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1]!.trim();
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

function envelopeAddresses(form: FormData): string[] {
  const out: string[] = [];
  const envelope = form.get('envelope');
  if (typeof envelope === 'string') {
    try {
      const parsed = JSON.parse(envelope) as { to?: unknown };
      if (Array.isArray(parsed.to)) out.push(...parsed.to.filter((t): t is string => typeof t === 'string'));
      else if (typeof parsed.to === 'string') out.push(parsed.to);
    } catch {
      /* not JSON: no envelope */
    }
  }
  const recipient = form.get('recipient');
  if (typeof recipient === 'string') out.push(...recipient.split(',').map((r) => r.trim()));
  return out;
}

export async function bounceRequest(deps: (BounceDeps & { inboundSecret: string }) | null, request: Request): Promise<Response> {
  if (!deps) return Response.json({ error: { kind: 'NotFound', message: 'Bounce processing is off (MAIL_BOUNCE_ADDRESS and MAIL_BOUNCE_SECRET are not set).' } }, { status: 404 });
  const secret = presentedSecret(request.headers.get('authorization'));
  if (secret === null || !same(secret, deps.inboundSecret)) {
    return Response.json({ error: { kind: 'Unauthorized', message: 'The inbound secret is missing or wrong.' } }, { status: 401, headers: { 'www-authenticate': 'Basic realm="bounces", Bearer' } });
  }
  const body = await readRequestBody(request, BOUNCE_BODY_LIMITS);
  if (!body.ok) return bodyFailureResponse(body.error);
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  let raw: string;
  let envelopeTo: string[] = [];
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(body.bytes.slice(), { headers: { 'content-type': request.headers.get('content-type')! } }).formData();
    } catch {
      return Response.json({ error: { kind: 'BadRequest', message: 'The form could not be read.' } }, { status: 400 });
    }
    const field = form.get('email') ?? form.get('body-mime');
    if (field === null) return Response.json({ error: { kind: 'BadRequest', message: 'The form has no raw message (an `email` or `body-mime` field).' } }, { status: 400 });
    raw = typeof field === 'string' ? field : await field.text();
    envelopeTo = envelopeAddresses(form);
  } else {
    raw = bodyText(body.bytes);
  }
  if (raw.trim() === '') return Response.json({ error: { kind: 'BadRequest', message: 'The message is empty.' } }, { status: 400 });
  const result = await receiveBounce(deps, raw, envelopeTo);
  return Response.json(result);
}
