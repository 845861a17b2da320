/** bcrypt through bcryptjs (pure JS: workerd has no native addons). */
import bcrypt from 'bcryptjs';

export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/**
 * A real hash of a random password, compared against when the username does not
 * exist, so that login takes as long for unknown users as for wrong passwords.
 */
const decoys = new Map<number, Promise<string>>();
export function decoyHash(cost: number): Promise<string> {
  let hash = decoys.get(cost);
  if (!hash) {
    hash = bcrypt.hash(crypto.randomUUID(), cost);
    decoys.set(cost, hash);
  }
  return hash;
}
