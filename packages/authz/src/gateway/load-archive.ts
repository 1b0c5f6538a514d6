import { posix } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { inOwnNamespace, normalizeImageReference } from '../engine/image-reference.js';
import type { DockerLookup } from '../engine/lookups.js';

/** The entries dockerd's `docker load` reads to decide which names the images take. */
const METADATA = new Set(['manifest.json', 'repositories', 'index.json', 'oci-layout']);
/** What may be held back in memory: the metadata of an archive is a few KiB. */
const MAX_HELD = 4 * 1024 * 1024;
const BLOCK = 512;

export class ArchiveRefused extends Error {}

/** A tar header's size field: octal, or GNU's base-256 for large entries. */
function entrySize(header: Buffer): number {
  const field = header.subarray(124, 136);
  if ((field[0] as number) & 0x80) return field.subarray(1).reduce((value, byte) => value * 256 + byte, 0);
  return parseInt(field.toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
}

const text = (bytes: Buffer): string => bytes.toString('utf8').replace(/\0.*$/s, '');

/**
 * `docker load` through the gateway: the archive streams on to dockerd as it arrives, except
 * the entries that name the images (manifest.json, repositories, index.json), which are held
 * back with the end of the archive. dockerd reads those only once the whole archive is in, so
 * when the archive ends the gateway checks every name they give: each must be under the user's
 * own name, or already name this very image. Only then do the held entries and the end go on;
 * otherwise the stream is cut, and dockerd, which never saw an image's name, loads nothing.
 */
export class LoadArchiveCheck extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private holding = false;
  private finished = false;
  /** A pax or GNU long-name header and its data: they belong with the entry that follows. */
  private prefix: Buffer[] = [];
  private longName: string | undefined;
  private readonly held: Buffer[] = [];
  private heldSize = 0;
  private readonly documents: Array<{ name: string; size: number; data: Buffer[] }> = [];

  constructor(
    private readonly user: string,
    private readonly docker: DockerLookup,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      this.consume();
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    this.check().then(() => {
      for (const bytes of this.held) this.push(bytes);
      this.push(Buffer.alloc(2 * BLOCK));
      done();
    }, (error: Error) => done(error));
  }

  private consume(): void {
    while (!this.finished) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, this.pending.length);
        if (take === 0) return;
        this.data(this.pending.subarray(0, take));
        this.pending = this.pending.subarray(take);
        this.remaining -= take;
        continue;
      }
      if (this.pending.length < BLOCK) return;
      const header = this.pending.subarray(0, BLOCK);
      if (header.every((byte) => byte === 0)) {
        this.finished = true; // the end of the archive: dockerd gets it only after the check
        return;
      }
      const type = String.fromCharCode(header[156] as number);
      const size = entrySize(header);
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'L' || type === 'K') {
        // An extension that names the next entry: read whole (it is small), kept with that entry.
        if (BLOCK + padded > MAX_HELD) throw new ArchiveRefused('a tar extension header is too large');
        if (this.pending.length < BLOCK + padded) return;
        const data = this.pending.subarray(BLOCK, BLOCK + size);
        if (type === 'x') this.longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? this.longName;
        if (type === 'L') this.longName = text(data);
        this.prefix.push(Buffer.from(this.pending.subarray(0, BLOCK + padded)));
        this.pending = this.pending.subarray(BLOCK + padded);
        continue;
      }
      this.pending = this.pending.subarray(BLOCK);
      this.entry(Buffer.from(header), type, size, padded);
    }
  }

  private entry(header: Buffer, type: string, size: number, padded: number): void {
    const prefix = text(header.subarray(345, 500));
    const name = this.longName ?? (prefix ? `${prefix}/${text(header.subarray(0, 100))}` : text(header.subarray(0, 100)));
    this.longName = undefined;
    const clean = posix.normalize(`/${name}`).replace(/^\/+|\/+$/g, '');
    this.holding = METADATA.has(clean);
    if (this.holding) {
      if (type !== '0' && type !== '\0') throw new ArchiveRefused(`the archive's ${clean} is not a plain file`);
      this.documents.push({ name: clean, size, data: [] });
    }
    for (const bytes of [...this.prefix, header]) this.forward(bytes);
    this.prefix = [];
    this.remaining = padded;
  }

  /** Bytes of the archive, passed on at once or held back with the entry they belong to. */
  private forward(bytes: Buffer): void {
    if (!this.holding) {
      this.push(bytes);
      return;
    }
    this.heldSize += bytes.length;
    if (this.heldSize > MAX_HELD) throw new ArchiveRefused('the archive\'s manifest is too large');
    this.held.push(Buffer.from(bytes));
  }

  private data(bytes: Buffer): void {
    this.forward(bytes);
    if (this.holding) this.documents[this.documents.length - 1]?.data.push(Buffer.from(bytes));
  }

  /** Every name the archive gives an image, with the image it would name. */
  private names(): Array<{ name: string; id: string | undefined }> {
    const names: Array<{ name: string; id: string | undefined }> = [];
    for (const document of this.documents) {
      const raw = Buffer.concat(document.data).subarray(0, document.size).toString('utf8');
      let json: any;
      try {
        json = JSON.parse(raw);
      } catch {
        if (document.name === 'oci-layout') continue;
        throw new ArchiveRefused(`the archive's ${document.name} is not JSON`);
      }
      if (document.name === 'manifest.json') {
        for (const image of Array.isArray(json) ? json : []) {
          const id = /([0-9a-f]{64})(\.json)?$/.exec(String(image?.Config ?? ''))?.[1];
          for (const tag of image?.RepoTags ?? []) names.push({ name: String(tag), id: id && `sha256:${id}` });
        }
      } else if (document.name === 'repositories' && !this.documents.some((other) => other.name === 'manifest.json')) {
        // Read only by the legacy loader, when there is no manifest.json; its IDs are layers', not images'.
        for (const [repository, tags] of Object.entries(json ?? {})) {
          for (const tag of Object.keys(tags as object)) names.push({ name: `${repository}:${tag}`, id: undefined });
        }
      } else if (document.name === 'index.json') {
        for (const manifest of json?.manifests ?? []) {
          for (const key of ['io.containerd.image.name', 'org.opencontainers.image.ref.name']) {
            const name = manifest?.annotations?.[key];
            if (typeof name === 'string' && name.includes('/')) names.push({ name, id: undefined });
          }
        }
      }
    }
    return names;
  }

  private async check(): Promise<void> {
    const names = this.names();
    // index.json (an OCI layout) names manifests, not image IDs: its names count when manifest.json gives the same name for a checked ID.
    const checked = new Set(names.filter((entry) => entry.id !== undefined).map((entry) => normalizeImageReference(entry.name)));
    for (const { name, id } of names) {
      if (inOwnNamespace(name, this.user)) continue;
      if (id === undefined && checked.has(normalizeImageReference(name))) continue;
      const current = id === undefined ? undefined : await this.docker.image(name);
      if (current && current.id === id) continue;
      throw new ArchiveRefused(`docker load: the archive would name an image ${normalizeImageReference(name)}, which is not under your own name (${this.user}/…) and is not already that image`);
    }
  }
}

