/**
 * The handshake between the connect card in the control panel and the consent window it opens (app/connect/): the
 * window says it is ready, the card answers with the store session. Both check the other is on the app's origin.
 */
export const CONNECT_READY = 'ledgerbridge:connect-ready';
export const CONNECT_SESSION = 'ledgerbridge:connect-session';

export interface ConnectReadyMessage {
  type: typeof CONNECT_READY;
  provider: string;
}
export interface ConnectSessionMessage {
  type: typeof CONNECT_SESSION;
  token: string;
}
