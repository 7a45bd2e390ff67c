import { errors, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions, type JWTVerifyResult } from 'jose';
import type { KeySource } from './key-sources.js';

/**
 * jose's `jwtVerify`, once more after the key source looked again when a key it holds refused the
 * signature: the issuer may have replaced the key behind that `kid` (the usual answer to a
 * compromise). The key source decides whether to look (remote sets: at most once per cooldown) and
 * says whether the set changed; only then is the token verified again. Errors are jose's.
 *
 * @example
 * const { payload } = await jwtVerifyNoticingReplacedKeys(token, key, options, keySource);
 */
export async function jwtVerifyNoticingReplacedKeys(
  token: string,
  key: JWTVerifyGetKey,
  options: JWTVerifyOptions,
  keySource: Pick<KeySource, 'refreshAfterSignatureMismatch'>,
): Promise<JWTVerifyResult & { key?: unknown }> {
  try {
    return await jwtVerify(token, key, options);
  } catch (error) {
    if (!(error instanceof errors.JWSSignatureVerificationFailed) || !keySource.refreshAfterSignatureMismatch) throw error;
    if (!(await keySource.refreshAfterSignatureMismatch())) throw error;
    return jwtVerify(token, key, options);
  }
}
