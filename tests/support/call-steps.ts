/**
 * 1-to-1 calls driven over two people's room sockets (no browser, no media): each step waits
 * for the room to say how the call ended, so its log row is written when the step returns.
 */
import type { TestSocket } from './ws-client';

type Media = 'voice' | 'video';

async function ring(caller: TestSocket, callee: TestSocket, media: Media): Promise<string> {
  const callId = crypto.randomUUID();
  caller.send({ type: 'call_start', callId, media });
  await callee.inbox.next('call_state', (f) => f.call.id === callId && f.call.status === 'ringing');
  return callId;
}

/** The caller gives up while it rings: missed for the callee, no answer for the caller. */
export async function unansweredCall(caller: TestSocket, callee: TestSocket, media: Media): Promise<string> {
  const callId = await ring(caller, callee, media);
  caller.send({ type: 'call_hangup', callId });
  await caller.inbox.next('call_state', (f) => f.call.id === callId && f.call.status === 'missed');
  return callId;
}

/** The callee declines. */
export async function declinedCall(caller: TestSocket, callee: TestSocket, media: Media): Promise<string> {
  const callId = await ring(caller, callee, media);
  callee.send({ type: 'call_reject', callId });
  await caller.inbox.next('call_state', (f) => f.call.id === callId && f.call.status === 'rejected');
  return callId;
}

/** The callee picks up, then the caller hangs up. */
export async function answeredCall(caller: TestSocket, callee: TestSocket, media: Media): Promise<string> {
  const callId = await ring(caller, callee, media);
  callee.send({ type: 'call_accept', callId });
  await caller.inbox.next('call_state', (f) => f.call.id === callId && f.call.status === 'accepted');
  caller.send({ type: 'call_hangup', callId });
  await callee.inbox.next('call_state', (f) => f.call.id === callId && f.call.status === 'ended');
  return callId;
}
