import { OWNER_LABEL, type Account, type ContainerInfo } from './lookups.js';

/**
 * Who owns a container, by dockerd's own record: its dockauth.owner label, else
 * the numeric uid it runs as (the policy makes every user's container run as
 * their own uid, and neither can change after creation).
 */
export function containerOwnedBy(info: ContainerInfo, account: Account): boolean {
  const label = info.labels[OWNER_LABEL];
  if (label !== undefined) return label === account.name;
  const uid = /^(\d+)(:\d+)?$/.exec(info.user)?.[1];
  return uid !== undefined && Number(uid) === account.uid;
}
