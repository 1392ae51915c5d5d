/** What each failover component is called on the plots and in junit.xml. */
import type { FailoverComponentName } from '../scenario/types.ts';

/** Human names of the failover components, with where each is observed. */
export const COMPONENT_TITLE: Readonly<Record<FailoverComponentName, string>> = {
  leaseTakenOver: 'Lease taken over (API)',
  firstGarp: 'first GARP from a new MAC (wire)',
  firstNewMacAnswer: 'first answer from a new MAC (wire)',
  clientEntryChanged: "client's ARP entry changed (client)",
  firstSuccessfulProbe: 'first successful probe (data plane)',
};
