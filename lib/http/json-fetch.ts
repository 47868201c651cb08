import { request, type Dispatcher } from 'undici';
import type { HttpFetch } from '@/lib/bigcommerce/client/transport';

/**
 * The part of fetch an API client uses (lib/bigcommerce/client/transport.ts), on undici's `request`: the same HTTP
 * requests over a keep-alive connection pool (Node's fetch is undici too), without the WHATWG Request, Response and
 * streams fetch builds for each call, which were most of what a BigCommerce call cost the app in the fleet
 * benchmark's profile. No redirects are followed (the APIs it calls answer in place); the caller reads the body.
 */
export const jsonFetch: HttpFetch = async (url, init) => {
  const res = await request(url, {
    method: init.method as Dispatcher.HttpMethod,
    headers: init.headers,
    body: init.body ?? null,
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const headers = res.headers;
  return {
    status: res.statusCode,
    headers: {
      get(name: string): string | null {
        const value = headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: () => res.body.text(),
  };
};
