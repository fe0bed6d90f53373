/**
 * Requests Node's HTTP parser refuses before any middleware runs (headers too large, bytes that
 * are not HTTP). Left to Node they get a bare status line with an empty body; here they get the
 * contract's `{ statusCode, error, message }` like every other refusal.
 */
import { maxHeaderSize, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

interface Refusal {
  statusCode: number;
  error: string;
  message: string;
}

function refusalOf(code: string | undefined): Refusal {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        statusCode: 431,
        error: 'Request Header Fields Too Large',
        message: `headers: larger than the limit of ${Math.round(maxHeaderSize / 1024)} KB (a cookie or token too large?)`,
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { statusCode: 408, error: 'Request Timeout', message: 'request: not received in time' };
    default:
      return { statusCode: 400, error: 'Bad Request', message: 'request: is not valid HTTP' };
  }
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // An answer already under way on this connection cannot be followed by another one.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const refusal = refusalOf(error.code);
    const body = JSON.stringify(refusal);
    socket.end(
      `HTTP/1.1 ${refusal.statusCode} ${refusal.error}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
