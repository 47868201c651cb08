// Intuit's error bodies, in one place. Intuit publishes no OpenAPI document, so every text below names where it was
// read. Two families reach a client:
//
// - API faults (400 validation, 500 system) come from the Accounting API itself:
//     {"Fault":{"Error":[{"Message","Detail","code","element"}],"type":"ValidationFault"},"time":"..."}
//   (quickbooks-ruby#436 quotes a 2050 in this shape; node-quickbooks#48 a 6000; Intuit's blog "Top QuickBooks
//   Online API errors" (2017) lists the codes and texts of 6240, 610, 2500, 6190, 6000.)
// - Gateway faults (401 authentication, 403 authorization, 429 throttle) come from Intuit's gateway before the API
//   is reached, in the gateway's own JSON, lower-case keys and a `type` of AUTHENTICATION or SERVICE:
//     {"warnings":null,"intuitObject":null,"fault":{"error":[{"message":"message=AuthenticationFailed;
//      errorCode=003200; statusCode=401","detail":"...","code":"3200","element":null}],"type":"AUTHENTICATION"},...}
//   (python-quickbooks#250 quotes this 401 verbatim; oauth-jsclient#2 and node-quickbooks#154 the 403 with
//   "message=AuthorizationFailed; errorCode=003100; statusCode=403" and type SERVICE.) The throttle text
//   "message=ThrottleExceeded; errorCode=003001; statusCode=429" / "The request limit was reached.  Try again later"
//   with type SERVICE is quoted in python-quickbooks#83 and QuickBooks-V3-PHP-SDK#54 (those answers were XML; the
//   JSON form here follows the 401/403 gateway shape, not confirmed for 429).
//   A client that looks only for `Fault` misses these: key on the HTTP status first.
import { jsonAnswer, type Answer } from '../xero/wire';

export type FaultType = 'ValidationFault' | 'SystemFault' | 'AuthenticationFault' | 'AuthorizationFault';

export interface IntuitError {
  Message: string;
  Detail: string;
  code: string;
  element?: string;
}

/** Thrown by the API handlers for an expected refusal; the router turns it into Intuit's fault answer. */
export class QboFault extends Error {
  constructor(
    readonly error: IntuitError,
    readonly status = 400,
    readonly type: FaultType = 'ValidationFault',
  ) {
    super(`${error.code} ${error.Message}: ${error.Detail}`);
  }
}

/** Intuit's `time` stamp: `2015-07-24T10:48:27.082-07:00` (the sandbox writes UTC as +00:00). */
export function intuitTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}+00:00`;
}

export function faultBody(f: QboFault, now: number): Record<string, unknown> {
  return { Fault: { Error: [{ element: '', ...f.error }], type: f.type }, time: intuitTime(now) };
}

export function faultAnswer(f: QboFault, now: number): Answer {
  return jsonAnswer(f.status, faultBody(f, now));
}

// ------------------------------------------------------------------------------------------ API faults

/** 2050, quoted from quickbooks-ruby#436 (Description) and consolibyte/quickbooks-php#79 (DocNumber, Max:21). */
export const stringTooLong = (element: string, max: number, length: number) =>
  new QboFault({
    Message: 'String length is either shorter or longer than supported by specification',
    Detail: `String length specified does not match the supported length. Min:0 Max:${max} supported. Supplied length:${length}`,
    code: '2050',
    element,
  });

/** 2020. The message is Intuit's IPP error-code table's; the Detail wording is the sandbox's (not confirmed). */
export const requiredMissing = (element: string) =>
  new QboFault({
    Message: 'Required param missing, need to supply the required value for the API',
    Detail: `Required parameter ${element} is missing in the request`,
    code: '2020',
    element,
  });

/** 6240, quoted from DBSync's and Teachworks' help pages showing Intuit's answer. */
export const duplicateName = (element = 'DisplayName') =>
  new QboFault({
    Message: 'Duplicate Name Exists Error',
    Detail: 'The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name.',
    code: '6240',
    element,
  });

/** 6240 for items and accounts: the code is Intuit's; "Another product or service/account" is the sandbox's wording. */
export const duplicateListName = (what: 'product or service' | 'account') =>
  new QboFault({
    Message: 'Duplicate Name Exists Error',
    Detail: `The name supplied already exists. : Another ${what} is already using this name. Please use a different name.`,
    code: '6240',
    element: 'Name',
  });

/** 5010. Message "Stale Object Error" and the Detail template are quoted in Rutter's help ("Stale Object Error : You
 *  and XYZ were working on this at the same time..."); the code is Intuit's IPP error-code table's. */
export const staleObject = (who = 'Sandbox User') =>
  new QboFault({
    Message: 'Stale Object Error',
    Detail: `Stale Object Error : You and ${who} were working on this at the same time. ${who} finished before you did, so your work was not saved.`,
    code: '5010',
    element: '',
  });

/** 610, texts from Intuit's blog "Top QuickBooks Online API errors" (rows 3 and 6). */
export const objectNotFound = (deleted = false) =>
  new QboFault({
    Message: 'Object Not Found',
    Detail: deleted
      ? 'Object Not Found : Another user has deleted this transaction.'
      : "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
    code: '610',
    element: '',
  });

/** 2500, text from the same blog (row 7). */
export const invalidReference = (element: string) =>
  new QboFault({
    Message: 'Invalid Reference Id',
    Detail: `Invalid Reference Id : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. : ${element}`,
    code: '2500',
    element,
  });

/** 6070, from Intuit's IPP error-code table ("Amount is not equal to Qty * UnitPrice. Supplied value:XXX"). */
export const amountMismatch = (supplied: string) =>
  new QboFault({ Message: 'Amount calculation incorrect in the request', Detail: `Amount is not equal to Qty * UnitPrice. Supplied value:${supplied}`, code: '6070', element: 'Line.Amount' });

/** 6080, from the IPP error-code table. */
export const noNameProvided = () =>
  new QboFault({ Message: 'No Name Provided', Detail: 'Title, GivenName, MiddleName, FamilyName, DisplayName, Suffix - one of these must be non-empty', code: '6080', element: '' });

/** 6100, from the IPP error-code table. */
export const invalidUsTaxCode = (supplied: string) =>
  new QboFault({ Message: 'Invalid Line TaxCode in the request', Detail: `Valid Line TaxCodes for US should be TAX or NON. Supplied value:${supplied}`, code: '6100', element: 'Line.SalesItemLineDetail.TaxCodeRef' });

/** 6000, the generic business rule refusal ("A business validation error has occurred while processing your request",
 *  node-quickbooks#48). The Detail after "Business Validation Error: " is the sandbox's own wording each time. */
export const businessValidation = (detail: string, element = '') =>
  new QboFault({ Message: 'A business validation error has occurred while processing your request', Detail: `Business Validation Error: ${detail}`, code: '6000', element });

/** 6190, Intuit's blog (row 5); the subscription-states page says such companies are read-only. */
export const invalidCompanyStatus = () =>
  new QboFault({
    Message: 'Invalid Company Status',
    Detail:
      "Subscription period has ended or been canceled, or there was a billing problem: You can't add data to QuickBooks Online Plus because your trial or subscription period ended, you canceled your subscription, or there was a billing problem.",
    code: '6190',
    element: '',
  });

/** 6140. Code and message as integrators report them; not found in a page of Intuit's read here (the 2017 blog lists
 *  "Duplicate Document Number Error" under 6210). `include=allowduplicatedocnum` lets a duplicate through. */
export const duplicateDocNumber = (docNumber: string, txnType: string, txnId: string) =>
  new QboFault({
    Message: 'Duplicate Document Number Error',
    Detail: `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=${docNumber} is assigned to TxnType=${txnType} with TxnId=${txnId}`,
    code: '6140',
    element: 'DocNumber',
  });

/** 500 "Unsupported Operation", as quoted in SampleApp-CRUD-PHP#7 and qbo_api#81 (ValidationFault, code 500). */
export const unsupportedOperation = (detail: string) => new QboFault({ Message: 'Unsupported Operation', Detail: `Operation ${detail} is not supported.`, code: '500', element: '' });

/** 4000 / 4001, the query parser's and validator's refusals (code and prefixes as integrators quote them; the exact
 *  parser wording is the sandbox's). */
export const queryParseError = (detail: string) => new QboFault({ Message: 'Error parsing query', Detail: `QueryParserError: ${detail}`, code: '4000', element: '' });
export const queryValidationError = (detail: string) => new QboFault({ Message: 'Invalid query', Detail: `QueryValidationError: ${detail}`, code: '4001', element: '' });

/** 2010 request body not understood (the sandbox's wording). */
export const badRequestBody = (detail: string) => new QboFault({ Message: 'Request has invalid or unsupported property', Detail: detail, code: '2010', element: '' });

/** 10000, the system fault integrators report for Intuit-side failures. */
export const systemFailure = () =>
  new QboFault({ Message: 'An application error has occurred while processing your request', Detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again. If the problem persists, contact customer support.', code: '10000', element: '' }, 500, 'SystemFault');

// ------------------------------------------------------------------------------------------ gateway faults

function gatewayBody(message: string, detail: string | null, code: string, type: string, now: number): Record<string, unknown> {
  return {
    warnings: null,
    intuitObject: null,
    fault: { error: [{ message, detail, code, element: null }], type },
    report: null,
    queryResponse: null,
    batchItemResponse: [],
    attachableResponse: [],
    syncErrorResponse: null,
    requestId: null,
    time: now,
    status: null,
    cdcresponse: [],
  };
}

export function authenticationFailed(detail: string, now: number): Answer {
  return jsonAnswer(401, gatewayBody('message=AuthenticationFailed; errorCode=003200; statusCode=401', detail, '3200', 'AUTHENTICATION', now), { 'www-authenticate': 'Bearer realm="Intuit"' });
}

export function authorizationFailed(now: number): Answer {
  return jsonAnswer(403, gatewayBody('message=AuthorizationFailed; errorCode=003100; statusCode=403', null, '3100', 'SERVICE', now));
}

export function throttleExceeded(now: number, headers: Record<string, string> = {}): Answer {
  return jsonAnswer(429, gatewayBody('message=ThrottleExceeded; errorCode=003001; statusCode=429', 'The request limit was reached.  Try again later', '3001', 'SERVICE', now), headers);
}

/** What a 503 looked like during Intuit's outage of 2018-04-03 (qbo_api#81): the load balancer's HTML page. */
export function serviceUnavailable(): Answer {
  return {
    status: 503,
    headers: { 'content-type': 'text/html' },
    body: '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body bgcolor="white">\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>Avi Vantage/</center>\r\n</body>\r\n</html>\r\n',
  };
}
