import { imageAllowed, imageNames } from '../engine/image-reference.js';
import { OWNER_LABEL, type Account, type DockerLookup } from '../engine/lookups.js';
import type { OwnedKind, OwnerRecords } from '../engine/owner-records.js';
import { containerOwnedBy } from '../engine/ownership.js';
import type { EffectiveRules } from '../engine/policy.js';

/** Who is looking, and what decides which objects are theirs. */
export interface Viewer {
  account: Account;
  rules: EffectiveRules;
  records: OwnerRecords;
  docker: DockerLookup;
}

type Json = Record<string, any>;

/** The networks every dockerd has; seeing them tells nobody anything. */
const PREDEFINED_NETWORKS = new Set(['bridge', 'host', 'none']);

function labelled(labels: unknown, user: string): boolean | undefined {
  const owner = (labels as Record<string, unknown> | null | undefined)?.[OWNER_LABEL];
  return owner === undefined ? undefined : owner === user;
}

function recorded(viewer: Viewer, kind: OwnedKind, key: unknown): boolean | undefined {
  if (typeof key !== 'string') return undefined;
  const owner = viewer.records.ownerOf(kind, key);
  return owner === undefined ? undefined : owner === viewer.account.name;
}

/** A container is the viewer's by the same record the rules use: who made it, its owner label, else the uid it runs as. */
export async function ownsContainer(viewer: Viewer, id: unknown, labels: unknown): Promise<boolean> {
  const known = recorded(viewer, 'container', id) ?? labelled(labels, viewer.account.name);
  if (known !== undefined) return known;
  if (typeof id !== 'string') return false;
  const info = await viewer.docker.container(id).catch(() => undefined);
  return info !== undefined && containerOwnedBy(info, viewer.account);
}

export function ownsVolume(viewer: Viewer, name: unknown, labels: unknown): boolean {
  return recorded(viewer, 'volume', name) ?? labelled(labels, viewer.account.name) ?? false;
}

export function seesNetwork(viewer: Viewer, id: unknown, name: unknown, labels: unknown): boolean {
  if (typeof name === 'string' && (PREDEFINED_NETWORKS.has(name) || viewer.rules.networks.has(name))) return true;
  return recorded(viewer, 'network', id) ?? labelled(labels, viewer.account.name) ?? false;
}

/** Images are shared: each user sees those the policy lets them run, and those under their own name. */
export function seesImage(viewer: Viewer, image: Json): boolean {
  const names = imageNames(String(image.Id ?? ''), { repoTags: image.RepoTags ?? [], repoDigests: image.RepoDigests ?? [] });
  return names.length > 0 && imageAllowed(names, viewer.rules.images);
}

async function keep<T>(items: T[], visible: (item: T) => boolean | Promise<boolean>): Promise<T[]> {
  const verdicts = await Promise.all(items.map(visible));
  return items.filter((_, index) => verdicts[index]);
}

/**
 * A listing's answer cut down to what the viewer may see: `docker ps`, `volume ls`,
 * `network ls`, `images`, `system df`. undefined when the route lists nothing.
 */
export async function visibleListing(action: string, answer: unknown, viewer: Viewer): Promise<unknown | undefined> {
  const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
  switch (action) {
    case 'container.list':
      return keep(list(answer), (item) => ownsContainer(viewer, item.Id, item.Labels));
    case 'volume.list': {
      const value = answer as Json;
      return { ...value, Volumes: await keep(list(value?.Volumes), (item) => ownsVolume(viewer, item.Name, item.Labels)) };
    }
    case 'network.list':
      return keep(list(answer), (item) => seesNetwork(viewer, item.Id, item.Name, item.Labels));
    case 'image.list':
      return keep(list(answer), (item) => seesImage(viewer, item));
    case 'system.df': {
      const value = answer as Json;
      const seen: Json = { ...value };
      if (Array.isArray(value?.Containers)) seen.Containers = await keep(list(value.Containers), (item) => ownsContainer(viewer, item.Id, item.Labels));
      if (Array.isArray(value?.Volumes)) seen.Volumes = await keep(list(value.Volumes), (item) => ownsVolume(viewer, item.Name, item.Labels));
      if (Array.isArray(value?.Images)) seen.Images = await keep(list(value.Images), (item) => seesImage(viewer, item));
      return seen;
    }
    case 'network.inspect': {
      // A shared network lists every container on it: only the viewer's own stay.
      const value = answer as Json;
      const containers = (value?.Containers ?? {}) as Json;
      const ids = Object.keys(containers);
      const kept = await keep(ids, (id) => ownsContainer(viewer, id, undefined));
      return { ...value, Containers: Object.fromEntries(kept.map((id) => [id, containers[id]])) };
    }
    default:
      return undefined;
  }
}

/** Whether one `docker events` message is about something the viewer may see. */
export async function seesEvent(event: Json, viewer: Viewer): Promise<boolean> {
  const actor = (event.Actor ?? {}) as Json;
  const attributes = (actor.Attributes ?? {}) as Json;
  switch (event.Type) {
    case 'container':
      return ownsContainer(viewer, actor.ID, attributes);
    case 'volume':
      return ownsVolume(viewer, actor.ID, undefined);
    case 'network':
      return seesNetwork(viewer, actor.ID, attributes.name, undefined) && (attributes.container === undefined || (await ownsContainer(viewer, attributes.container, undefined)));
    case 'image': {
      const name = typeof attributes.name === 'string' ? attributes.name : actor.ID;
      return typeof name === 'string' && imageAllowed(imageNames(name, undefined), viewer.rules.images);
    }
    default:
      return false;
  }
}
