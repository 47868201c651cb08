import { ConnectWindow } from './connect-window';

/** The consent window's first page: binds the connection flow to this browser, then goes on to the system's consent. */
export default async function ConnectPage({ params }: { params: Promise<{ provider: string }> }) {
  const { provider } = await params;
  return <ConnectWindow provider={provider} />;
}
