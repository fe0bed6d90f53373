import { LIVE_NAMESPACE, SOCKET_PATH, type ClientToServerEvents, type HandshakeAuth, type ServerToClientEvents } from '@salesboard/shared';
import { io, type Socket } from 'socket.io-client';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Opens a socket; `auth` is read on every (re)connect, so the server replays from the current seq. */
export type OpenLiveSocket = (auth: () => HandshakeAuth) => LiveSocket;

export const openLiveSocket: OpenLiveSocket = (auth) =>
  io(LIVE_NAMESPACE, {
    path: SOCKET_PATH,
    // No long-polling fallback: the wallboard sits behind proxies that pass WebSockets, and
    // polling would need sticky sessions across the server replicas.
    transports: ['websocket'],
    auth: (send) => send(auth()),
  });
