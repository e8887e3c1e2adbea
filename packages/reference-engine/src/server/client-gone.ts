// Whether the client of a request is still there, for generations to stop when it is not.
// A client that resets its connection, or closes it while a streamed answer is being written,
// shows at once: the socket errors and the response closes unfinished. A client that closes its
// socket while a whole (not streamed) answer is computed only sends a FIN, and so does one that
// half-closes after sending its request and still waits for the answer (the server allows half-open
// sockets for it): the two look the same until the server writes. So once the client's FIN has
// arrived and the answer has not started, the server writes "100 Continue" interim responses,
// which HTTP clients must skip (RFC 9110, 15.2): a waiting client reads them; a closed one answers
// with a reset, and the next write fails, closing the response unfinished.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** the first probe waits this long after the FIN, so a short answer to a half-closed client carries no interim responses */
export const FIRST_PROBE_MS = 200;
/** the second follows soon after (the first one's reset comes back within a round trip); then the gap doubles up to the cap */
const FOLLOW_UP_MS = 50;
const MAX_GAP_MS = 2000;

/** Watches a request's client; the returned function says whether it has gone. */
export function watchClient(req: IncomingMessage, res: ServerResponse): () => boolean {
  let gone = false;
  let timer: NodeJS.Timeout | undefined;
  const socket = req.socket;
  // a keep-alive socket serves many requests: leave no listener behind on it
  const stop = () => { if (timer) clearTimeout(timer); timer = undefined; socket.off('end', onEnd); };
  function onEnd(): void { if (!gone && !res.headersSent) probe(FIRST_PROBE_MS, FOLLOW_UP_MS); }
  const onClose = () => { if (!res.writableFinished) gone = true; stop(); };
  res.once('close', onClose);
  res.once('finish', stop);
  if (res.destroyed) onClose();
  const probe = (delay: number, next: number) => {
    timer = setTimeout(() => {
      // once the answer has started, its own writes find a closed client
      if (gone || res.headersSent || res.writableEnded || res.destroyed) return;
      res.writeContinue();
      probe(next, Math.min(MAX_GAP_MS, Math.max(next * 2, 500)));
    }, delay);
    timer.unref();
  };
  // the FIN may have come with the request itself, before this handler ran
  if (socket.readableEnded) onEnd(); else socket.once('end', onEnd);
  return () => gone;
}
