/** One GET's answer, whatever carried it. */
export interface TransportAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * How the CLI reaches the collector: plain fetch for a --collector URL, or node:http(s) with the
 * kubeconfig's client certificate, token and CA through the API server's service proxy. Rejections are
 * network failures (the API answered nothing); any HTTP answer resolves.
 */
export type Transport = (url: URL, timeoutMs: number) => Promise<TransportAnswer>;

export const fetchTransport: Transport = async (url, timeoutMs) => {
  const response = await fetch(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, body: await response.text() };
};
