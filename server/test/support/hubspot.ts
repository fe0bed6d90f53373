/** A HubSpot webhook delivery as HubSpot sends it: the JSON body signed with the v3 signature. */
import { createHmac } from 'node:crypto';
import type { TestApp } from './app.js';

export function postHubSpot(t: Pick<TestApp, 'api' | 'baseUrl'>, secret: string, body: string) {
  const timestamp = Date.now();
  const signature = createHmac('sha256', secret).update(`POST${t.baseUrl}/api/webhooks/hubspot${body}${timestamp}`).digest('base64');
  return t.api
    .post('/api/webhooks/hubspot')
    .set({ 'Content-Type': 'application/json', 'X-HubSpot-Request-Timestamp': String(timestamp), 'X-HubSpot-Signature-v3': signature })
    .send(body);
}
