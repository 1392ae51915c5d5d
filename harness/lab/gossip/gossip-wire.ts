/**
 * The lab's memberlist messages between MetalLB speaker processes (UDP datagrams, one JSON object
 * each), encoded and decoded here, pure. Every message carries the lab run id: a datagram of
 * another run (or anything else on the port) is dropped, not acted on.
 *
 * - `ping`: every gossip interval to every configured peer — the reachability oracle: a peer is
 *   reached while its pings arrive; it carries the sender's member list and whom it reaches (what
 *   indirect probes and push/pull read);
 * - `suspect`: a suspicion gossiped on (memberlist's `suspect` message);
 * - `leave`: a graceful leave;
 * - `join`: a `memberlist.Join` (start, push/pull across a disagreement, rejoin);
 * - `merge`: the answer to a join, spread to every member the answering side reaches.
 */
import { z } from 'zod';

const node = z.string().min(1).max(253);
const nodes = z.array(node).max(1024);

const messageSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ping'), run: z.string(), from: node, members: nodes, reach: nodes }),
  z.strictObject({ kind: z.literal('suspect'), run: z.string(), from: node, member: node, sinceMs: z.number().finite() }),
  z.strictObject({ kind: z.literal('leave'), run: z.string(), from: node }),
  z.strictObject({ kind: z.literal('join'), run: z.string(), from: node, members: nodes }),
  z.strictObject({ kind: z.literal('merge'), run: z.string(), from: node, joiner: node, answerer: node, members: nodes }),
]);

/** One gossip message. */
export type GossipMessage = z.infer<typeof messageSchema>;

/** The datagram of a message. */
export function encodeGossip(message: GossipMessage): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

/** The message in a datagram of run `runId`, or a reason it is not one (not JSON, bad shape, another run). */
export function decodeGossip(datagram: Buffer, runId: string): { readonly message: GossipMessage } | { readonly problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(datagram.toString('utf8'));
  } catch {
    return { problem: `a ${datagram.length}-byte datagram that is not JSON` };
  }
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) return { problem: `a datagram that is no gossip message (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  if (parsed.data.run !== runId) return { problem: `a ${parsed.data.kind} of run ${parsed.data.run}, not ${runId}` };
  return { message: parsed.data };
}
