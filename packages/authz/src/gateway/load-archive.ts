import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { asArray, asString, field, parseGoJson, type GoValue } from '../decode/go-json.js';
import { inOwnNamespace, normalizeImageReference } from '../engine/image-reference.js';
import type { DockerLookup } from '../engine/lookups.js';
import { ArchiveRefused, BLOCK, checkPax, cleanPath, parseHeader } from './tar-header.js';

export { ArchiveRefused } from './tar-header.js';

/** The entries dockerd's `docker load` reads to decide which names the images take. */
const METADATA = new Set(['manifest.json', 'repositories', 'index.json', 'oci-layout']);
/** What may be held in memory: an archive's metadata, a PAX header, is a few KiB. */
const MAX_HELD = 4 * 1024 * 1024;
const MAX_PAX = 64 * 1024;
/** Entries up to this size are hashed as they pass: image configs, whose digest is the image's ID. */
const MAX_HASHED = 4 * 1024 * 1024;

interface Entry {
  name: string;
  size: number;
  /** Bytes of the entry read so far, padding included. */
  seen: number;
  held: boolean;
  hash?: Hash;
  data?: Buffer[];
}

/**
 * `docker load` through the gateway. The archive streams on to dockerd as it arrives, except the
 * entries that name images (manifest.json, repositories, index.json), which are held back with
 * the end of the archive: dockerd reads them only once the whole archive is in. When the archive
 * ends, every name they give is checked: under the user's own name, or already the name of this
 * very image (its ID is the digest of its config, hashed here as it passed). Only then do the held
 * entries and the end go on; otherwise the stream is cut and dockerd, which never saw a name,
 * loads nothing. The archive must be plain (tar-header.ts): what it is not, is refused.
 */
export class LoadArchiveCheck extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private entry: Entry | undefined;
  private remaining = 0;
  private ended = false;
  private pax: Buffer[] = [];
  private readonly held: Buffer[] = [];
  private heldSize = 0;
  private readonly documents: Array<{ name: string; text: string }> = [];
  private readonly digests = new Map<string, string>();
  private readonly symlinks = new Set<string>();

  constructor(
    private readonly user: string,
    private readonly docker: DockerLookup,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.ended) return done(); // after the end of the archive: dockerd never gets it, nothing is kept
    try {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      this.consume();
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (!this.ended) return done(new ArchiveRefused('the archive ends in the middle (no end-of-archive blocks)'));
    this.check().then(() => {
      for (const bytes of this.held) this.push(bytes);
      this.push(Buffer.alloc(2 * BLOCK));
      done();
    }, (error: Error) => done(error));
  }

  private consume(): void {
    while (!this.ended) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, this.pending.length);
        if (take === 0) return;
        this.body(this.pending.subarray(0, take));
        this.pending = this.pending.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.finishEntry();
        continue;
      }
      if (this.pending.length < BLOCK) return;
      const block = this.pending.subarray(0, BLOCK);
      if (block.every((byte) => byte === 0)) {
        this.ended = true;
        this.pending = Buffer.alloc(0);
        return;
      }
      const header = parseHeader(block);
      const padded = Math.ceil(header.size / BLOCK) * BLOCK;
      if (header.type === 'x' || header.type === 'g') {
        if (header.size > MAX_PAX) throw new ArchiveRefused('a PAX header is too large');
        if (this.pending.length < BLOCK + padded) return;
        checkPax(this.pending.subarray(BLOCK, BLOCK + header.size));
        this.pax.push(Buffer.from(this.pending.subarray(0, BLOCK + padded)));
        this.pending = this.pending.subarray(BLOCK + padded);
        continue;
      }
      this.pending = this.pending.subarray(BLOCK);
      this.start(Buffer.from(block), header.name, header.type, header.size, padded);
    }
  }

  private start(block: Buffer, name: string, type: string, size: number, padded: number): void {
    // A path through a symlink the archive made could land anywhere dockerd unpacks to, a manifest included.
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) if (this.symlinks.has(parts.slice(0, i).join('/'))) throw new ArchiveRefused(`the archive's ${name} goes through a symlink it made`);
    if (type === '2') this.symlinks.add(name);
    const held = METADATA.has(name);
    if (held && type !== '0' && type !== '\0') throw new ArchiveRefused(`the archive's ${name} is not a plain file`);
    this.entry = { name, size, held, seen: 0 };
    if (held) this.entry.data = [];
    else if ((type === '0' || type === '\0') && size <= MAX_HASHED) this.entry.hash = createHash('sha256');
    for (const bytes of [...this.pax, block]) this.forward(bytes, held);
    this.pax = [];
    this.remaining = padded;
    if (padded === 0) this.finishEntry();
  }

  private body(bytes: Buffer): void {
    const entry = this.entry as Entry;
    this.forward(bytes, entry.held);
    const data = bytes.subarray(0, Math.max(0, Math.min(bytes.length, entry.size - entry.seen)));
    entry.seen += bytes.length;
    entry.data?.push(Buffer.from(data));
    entry.hash?.update(data);
  }

  private finishEntry(): void {
    const entry = this.entry as Entry;
    if (entry.data) this.documents.push({ name: entry.name, text: Buffer.concat(entry.data).toString('utf8') });
    // The last entry of a name is the one on disk when dockerd reads it.
    if (entry.hash) this.digests.set(entry.name, entry.hash.digest('hex'));
    else this.digests.delete(entry.name);
    this.entry = undefined;
  }

  private forward(bytes: Buffer, held: boolean): void {
    if (!held) {
      this.push(bytes);
      return;
    }
    this.heldSize += bytes.length;
    if (this.heldSize > MAX_HELD) throw new ArchiveRefused('the archive\'s manifest is too large');
    this.held.push(Buffer.from(bytes));
  }

  /** Every name the archive's metadata gives an image, with the image ID it would name when that is known. */
  private names(): Array<{ name: string; id: string | undefined }> {
    const names: Array<{ name: string; id: string | undefined }> = [];
    const hasManifest = this.documents.some((document) => document.name === 'manifest.json');
    for (const document of this.documents) {
      if (document.name === 'oci-layout') continue;
      let json: GoValue;
      try {
        // Read as Go reads it: keys in any case, a key given twice refused.
        json = parseGoJson(document.text);
      } catch (error) {
        throw new ArchiveRefused(`the archive's ${document.name} is not JSON dockerd would read the same way (${(error as Error).message})`);
      }
      if (document.name === 'manifest.json') {
        for (const image of asArray(json, 'manifest.json') ?? []) {
          const config = this.digests.get(cleanPath(asString(field(image, 'Config'), 'manifest.json Config')));
          for (const tag of asArray(field(image, 'RepoTags'), 'manifest.json RepoTags') ?? []) names.push({ name: asString(tag, 'RepoTags'), id: config ? `sha256:${config}` : undefined });
        }
      } else if (document.name === 'repositories' && !hasManifest) {
        // Read only by the legacy loader, when there is no manifest.json; its IDs are layers', not images'.
        if (json.kind !== 'object') throw new ArchiveRefused('the archive\'s repositories is not an object');
        json.keys.forEach((repository, index) => {
          const tags = json.kind === 'object' ? json.values[index] : undefined;
          for (const tag of tags?.kind === 'object' ? tags.keys : []) names.push({ name: `${repository}:${tag}`, id: undefined });
        });
      } else if (document.name === 'index.json') {
        for (const manifest of asArray(field(json, 'manifests'), 'index.json manifests') ?? []) {
          const annotations = field(manifest, 'annotations');
          if (annotations?.kind !== 'object') continue;
          annotations.keys.forEach((key, index) => {
            const value = (annotations as { values: GoValue[] }).values[index];
            // An OCI ref name may be a bare tag ("latest"), which names nothing without a base name (dockerd gives none).
            const bareTag = key === 'org.opencontainers.image.ref.name' && value?.kind === 'string' && !/[/:]/.test(value.value);
            if (/^(io\.containerd\.image\.name|org\.opencontainers\.image\.ref\.name)$/.test(key) && value?.kind === 'string' && !bareTag) names.push({ name: value.value, id: undefined });
          });
        }
      }
    }
    return names;
  }

  private async check(): Promise<void> {
    const names = this.names();
    // index.json names manifests, not image IDs: its names count when manifest.json gives the same name for a checked ID.
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

