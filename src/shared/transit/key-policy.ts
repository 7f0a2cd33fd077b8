/**
 * A transit key's policy, as Vault's keysutil calls it (`Policy`: latest_version,
 * min_decryption_version, min_encryption_version, deletion_allowed and the key versions),
 * for one request: the cached policy, reloaded at most once when a ciphertext names a
 * version newer than the cache knows, plus the checks that pick the version to encrypt
 * with and admit a version to decrypt.
 */
import { DecryptionError } from "../crypto/aes-gcm";
import { badRequest } from "../errors";
import { itemKeys, loadPolicy, versionKey, type CachedPolicy, type KeyCacheEnv } from "./key-cache";
import type { ItemKeys } from "./material";
import type { KeyRef } from "./cipher";

export class KeyPolicy {
  private reload?: Promise<CachedPolicy>;

  private constructor(
    private readonly env: KeyCacheEnv,
    readonly tenantId: string,
    readonly name: string,
    private cached: CachedPolicy,
  ) {}

  /** Opens the tenant's key `name`; 404 when the tenant has none (another tenant's key included). */
  static async open(env: KeyCacheEnv, tenantId: string, name: string): Promise<KeyPolicy> {
    return new KeyPolicy(env, tenantId, name, await loadPolicy(env, tenantId, name));
  }

  get meta() {
    return this.cached.meta;
  }

  ref(version: number): KeyRef {
    return { tenantId: this.tenantId, name: this.name, version };
  }

  /** True when the version exists, reloading the policy once if it is newer than the cached latest. */
  async hasVersion(version: number): Promise<boolean> {
    if (this.cached.versions.has(version)) return true;
    if (version <= this.cached.meta.latestVersion) return false;
    this.reload ??= loadPolicy(this.env, this.tenantId, this.name, { fresh: true });
    this.cached = await this.reload;
    return this.cached.versions.has(version);
  }

  /** 400 unless the key can encrypt (aes256-gcm). */
  assertEncryptionKey(): void {
    if (this.meta.type !== "aes256-gcm") {
      throw badRequest(
        `Transit key '${this.name}' is an ${this.meta.type} key; encrypt, decrypt, rewrap and datakey need an aes256-gcm key.`,
      );
    }
  }

  /** 400 unless the key signs (hmac-sha256). */
  assertHmacKey(): void {
    if (this.meta.type !== "hmac-sha256") {
      throw badRequest(`Transit key '${this.name}' is an ${this.meta.type} key; HMAC needs an hmac-sha256 key.`);
    }
  }

  /** The version encrypt (or sign) uses: the latest, or `requested` if the policy allows it. */
  async encryptionVersion(requested: number | undefined, path: string): Promise<number> {
    if (requested !== undefined && !(await this.hasVersion(requested))) {
      throw badRequest(`Key version ${requested} does not exist; the latest is ${this.meta.latestVersion}.`, [
        { path, message: "No such key version." },
      ]);
    }
    const version = requested ?? this.meta.latestVersion;
    const { minEncryptionVersion, minDecryptionVersion } = this.meta;
    if (minEncryptionVersion > 0 && version < minEncryptionVersion) {
      throw badRequest(`Key version ${version} is below the key's min_encryption_version (${minEncryptionVersion}).`, [
        { path, message: "Version not allowed to encrypt." },
      ]);
    }
    if (version < minDecryptionVersion) {
      throw badRequest(`Key version ${version} is below the key's min_decryption_version (${minDecryptionVersion}).`, [
        { path, message: "Version not allowed." },
      ]);
    }
    return version;
  }

  /**
   * Admits a version for decryption (or HMAC verification). A version below
   * min_decryption_version is refused by policy; one that does not exist fails like
   * any other undecryptable ciphertext.
   */
  async decryptionVersion(version: number): Promise<void> {
    if (!(await this.hasVersion(version))) throw new DecryptionError();
    if (version < this.meta.minDecryptionVersion) {
      throw new DecryptionError(
        "The ciphertext's key version is no longer allowed to decrypt (below the key's min_decryption_version).",
      );
    }
  }

  /** The version's own key (AES-GCM, HKDF or HMAC by key type); the version must exist. */
  versionKey(version: number): Promise<CryptoKey> {
    return versionKey(this.env, this.cached, version);
  }

  /** Keys for one version and context (the context was checked by checkContext). */
  keys(version: number, context: Uint8Array | undefined): Promise<ItemKeys> {
    return itemKeys(this.env, this.cached, version, context);
  }

  /** A derived key needs a non-empty context; any other key refuses one (it would be silently ignored). */
  checkContext(context: Uint8Array | undefined, path: string): void {
    if (this.meta.derived && !context?.byteLength) {
      throw badRequest(`Transit key '${this.name}' is derived: send a non-empty context (base64).`, [
        { path, message: "Required for derived keys." },
      ]);
    }
    if (!this.meta.derived && context !== undefined) {
      throw badRequest(`Transit key '${this.name}' is not derived: do not send a context.`, [
        { path, message: "Only derived keys take a context." },
      ]);
    }
  }
}
