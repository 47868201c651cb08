/**
 * The emails' words, as Mustache templates (logic-less: the models below hold every decision). HTML versions escape
 * every value (Mustache's `{{ }}`); text versions render the same model unescaped. nodemailer builds the MIME.
 */
import Mustache from 'mustache';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export interface AlertItem {
  title: string;
  message: string;
  /** The page in the app that acts on it. */
  appLink: string;
  /** The order in the BigCommerce control panel, for an order's notification. */
  orderLink: string | null;
}

export interface AlertModel {
  storeName: string;
  kindLabel: string;
  count: number;
  items: AlertItem[];
  /** How many more than the email lists (they are in the app). */
  more: number;
  notificationsLink: string;
  unsubscribeKindLink: string;
  unsubscribeAllLink: string;
}

/**
 * What reconciliation found for the digest's day: the seam the reconciliation half of issue 17 fills (its
 * `ledgerbridge reconcile` day). `null`: no reconciliation ran for that day; the digest says so.
 */
export interface DigestReconciliation {
  /** One entry per currency reconciled for the day. */
  days: Array<{ currency: string; storeTotal: string; booksTotal: string; differences: number }>;
  /** The differences by class (`missing_in_books`: 2, …). */
  byClass: Array<{ class: string; count: number }>;
  link: string;
}

export interface DigestModel {
  storeName: string;
  date: string;
  timeZone: string;
  posted: Array<{ currency: string; orders: number; total: string }>;
  postedOrders: number;
  problems: Array<{ orderId: number; state: string; reason: string; message: string; link: string }>;
  failed: number;
  held: number;
  reconciliation: DigestReconciliation | null;
  activityLink: string;
  unsubscribeDigestLink: string;
  unsubscribeAllLink: string;
}

const ALERT_SUBJECT = '[Ledgerbridge] {{storeName}}: {{count}} × {{kindLabel}}';

const ALERT_TEXT = `{{storeName}}: {{count}} new — {{kindLabel}}

{{#items}}
- {{title}}
  {{message}}
  Open in Ledgerbridge: {{appLink}}
{{#orderLink}}
  The order in BigCommerce: {{orderLink}}
{{/orderLink}}

{{/items}}
{{#more}}
…and {{more}} more: {{notificationsLink}}
{{/more}}
All notifications: {{notificationsLink}}

You get this because you chose these alerts in Ledgerbridge (Notifications). At most one such email an hour.
Stop these alerts: {{unsubscribeKindLink}}
Stop all email from Ledgerbridge: {{unsubscribeAllLink}}
`;

const ALERT_HTML = `<!doctype html>
<html><body style="font-family: sans-serif; color: #313440;">
<h2>{{storeName}}: {{count}} new — {{kindLabel}}</h2>
<ul>
{{#items}}
<li style="margin-bottom: 12px;"><strong>{{title}}</strong><br>{{message}}<br>
<a href="{{appLink}}">Open in Ledgerbridge</a>{{#orderLink}} · <a href="{{orderLink}}">The order in BigCommerce</a>{{/orderLink}}</li>
{{/items}}
</ul>
{{#more}}<p>…and {{more}} more.</p>{{/more}}
<p><a href="{{notificationsLink}}">All notifications</a></p>
<p style="color: #5E637A; font-size: 12px;">You get this because you chose these alerts in Ledgerbridge (Notifications). At most one such email an hour.<br>
<a href="{{unsubscribeKindLink}}">Stop these alerts</a> · <a href="{{unsubscribeAllLink}}">Stop all email from Ledgerbridge</a></p>
</body></html>
`;

const DIGEST_SUBJECT = '[Ledgerbridge] {{storeName}}: {{date}} — {{postedOrders}} posted, {{failed}} failed, {{held}} held';

const DIGEST_TEXT = `{{storeName}} — {{date}} ({{timeZone}})

Posted to the books: {{postedOrders}} order(s)
{{#posted}}
  {{currency}}: {{orders}} order(s), {{total}}
{{/posted}}

Failed: {{failed}}   Held: {{held}}
{{#problems}}
- Order #{{orderId}} ({{state}}, {{reason}}): {{message}}
  {{link}}
{{/problems}}

Reconciliation:
{{#reconciliation}}
{{#days}}
  {{currency}}: store {{storeTotal}}, books {{booksTotal}}, {{differences}} difference(s)
{{/days}}
{{#byClass}}
  {{class}}: {{count}}
{{/byClass}}
  {{link}}
{{/reconciliation}}
{{^reconciliation}}
  Not reconciled for this day.
{{/reconciliation}}

Activity: {{activityLink}}

Stop this digest: {{unsubscribeDigestLink}}
Stop all email from Ledgerbridge: {{unsubscribeAllLink}}
`;

const DIGEST_HTML = `<!doctype html>
<html><body style="font-family: sans-serif; color: #313440;">
<h2>{{storeName}} — {{date}}</h2>
<p style="color: #5E637A;">The day in {{timeZone}}.</p>
<h3>Posted to the books: {{postedOrders}} order(s)</h3>
{{#posted.length}}<table cellpadding="4"><tr><th align="left">Currency</th><th align="right">Orders</th><th align="right">Total</th></tr>
{{#posted}}<tr><td>{{currency}}</td><td align="right">{{orders}}</td><td align="right">{{total}}</td></tr>{{/posted}}
</table>{{/posted.length}}
<h3>Failed: {{failed}} · Held: {{held}}</h3>
{{#problems.length}}<ul>
{{#problems}}<li><a href="{{link}}">Order #{{orderId}}</a> ({{state}}, {{reason}}): {{message}}</li>{{/problems}}
</ul>{{/problems.length}}
<h3>Reconciliation</h3>
{{#reconciliation}}
<ul>{{#days}}<li>{{currency}}: store {{storeTotal}}, books {{booksTotal}}, {{differences}} difference(s)</li>{{/days}}</ul>
{{#byClass.length}}<ul>{{#byClass}}<li>{{class}}: {{count}}</li>{{/byClass}}</ul>{{/byClass.length}}
<p><a href="{{link}}">Open the reconciliation</a></p>
{{/reconciliation}}
{{^reconciliation}}<p>Not reconciled for this day.</p>{{/reconciliation}}
<p><a href="{{activityLink}}">Activity</a></p>
<p style="color: #5E637A; font-size: 12px;"><a href="{{unsubscribeDigestLink}}">Stop this digest</a> · <a href="{{unsubscribeAllLink}}">Stop all email from Ledgerbridge</a></p>
</body></html>
`;

const raw = { escape: (value: string) => value };
// Mustache's own escape also turns `/` and `=` into entities: valid, but links read badly in a mail's source.
const html = { escape: (value: unknown) => String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c) };

function render(templates: { subject: string; text: string; html: string }, model: object): MailContent {
  return {
    // A subject is one line whatever a value holds.
    subject: Mustache.render(templates.subject, model, {}, raw).replace(/\s+/g, ' ').trim(),
    text: Mustache.render(templates.text, model, {}, raw),
    html: Mustache.render(templates.html, model, {}, html),
  };
}

export const renderAlert = (model: AlertModel): MailContent => render({ subject: ALERT_SUBJECT, text: ALERT_TEXT, html: ALERT_HTML }, model);
export const renderDigest = (model: DigestModel): MailContent => render({ subject: DIGEST_SUBJECT, text: DIGEST_TEXT, html: DIGEST_HTML }, model);
