import { get } from 'node:http';

/** GET a URL and return the body; rejects on a non-200 status or a socket error. */
export function scrape(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        response.statusCode === 200
          ? resolve(body)
          : reject(new Error(`${url}: HTTP ${response.statusCode}`)),
      );
    }).on('error', reject);
  });
}

/** The value of an unlabelled sample in Prometheus text format, or undefined. */
export function sampleValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}
